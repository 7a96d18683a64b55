package io.binaryllm.quantize;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Ranking;
import io.binaryllm.seed.SplitMix64;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OsqQuantizerTest {
    @ParameterizedTest
    @CsvSource({"1, 1", "63, 2", "64, 4", "65, 1", "130, 2", "384, 4"})
    void levelsFitTheirBitsAndPlanesKeepPaddingZero(int dims, int docBits) {
        FloatEmbeddingBatch x = OsqOracle.vectors(dims, 50, dims, "clustered");
        OsqQuantizer quantizer = OsqQuantizer.fit(x, docBits);
        try (OsqCodes docs = quantizer.encodeDocuments(x); OsqCodes queries = quantizer.encodeQueries(x, 8)) {
            assertThat(docs.planes().bits()).isEqualTo(docBits * OsqCodes.planeWords(dims) * 64);
            assertThat(docs.codeBits()).isEqualTo(dims * docBits);
            for (OsqCodes codes : new OsqCodes[]{docs, queries}) {
                for (int r = 0; r < 50; r++) {
                    int[] levels = OsqOracle.levels(codes, r);
                    assertThat(Arrays.stream(levels).boxed().toList()).allMatch(l -> l >= 0 && l < 1 << codes.bitsPerDim());
                    for (int i = 0; i < codes.bitsPerDim(); i++) {
                        for (int j = dims; j < codes.planeWords() * 64; j++) {
                            assertThat(codes.planes().bit(r, i * codes.planeWords() * 64 + j)).as("padding bit %d of plane %d", j, i).isZero();
                        }
                    }
                    if (!codes.queries()) {
                        assertThat(codes.corrections()[r * 4 + 2]).as("x1 is the sum of the levels").isEqualTo((float) Arrays.stream(levels).sum());
                    }
                }
            }
        }
    }

    /** The score estimates the cosine, and more bits estimate it better: the point of the quantizer. */
    @Test
    void scoresEstimateTheCosineBetterWithMoreBits() {
        int dims = 384;
        FloatEmbeddingBatch docs = OsqOracle.vectors(11, 300, dims, "clustered");
        FloatEmbeddingBatch queries = OsqOracle.vectors(12, 20, dims, "clustered");
        double previous = Double.MAX_VALUE;
        for (int bits : new int[]{1, 2, 4}) {
            OsqQuantizer quantizer = OsqQuantizer.fit(docs, bits);
            double error = 0;
            try (OsqCodes d = quantizer.encodeDocuments(docs); OsqCodes q = quantizer.encodeQueries(queries, 8)) {
                var all = OsqOracle.topK(d, q, 300);
                float[] scores = all.scores();
                for (int i = 0; i < all.indices().length; i++) {
                    double cos = cosine(queries.row(i / 300), docs.row(all.indices()[i]));
                    error += Math.abs(scores[i] - cos);
                }
            }
            error /= 300 * 20;
            assertThat(error).as("mean |score - cosine| at %d bits", bits).isLessThan(bits == 1 ? 0.05 : 0.02).isLessThan(previous);
            previous = error;
        }
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int j = 0; j < a.length; j++) {
            ab += (double) a[j] * b[j];
            aa += (double) a[j] * a[j];
            bb += (double) b[j] * b[j];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void encodingIsAPureFunctionOfEachRowAndTheCentroid() {
        FloatEmbeddingBatch x = OsqOracle.vectors(3, 2100, 97, "random"); // more rows than one parallel task holds
        OsqQuantizer fitted = OsqQuantizer.fit(x, 2);
        OsqQuantizer kept = OsqQuantizer.of(fitted.centroid(), 2);
        assertThat(kept.centroidId()).isEqualTo(fitted.centroidId());
        try (OsqCodes all = fitted.encodeDocuments(x); OsqCodes again = kept.encodeDocuments(x)) {
            assertThat(again.corrections()).isEqualTo(all.corrections());
            for (int r : new int[]{0, 1023, 1024, 2099}) {
                try (OsqCodes one = fitted.encodeDocuments(FloatEmbeddingBatch.of(new float[][]{x.row(r)}))) {
                    assertThat(one.planes().row(0)).isEqualTo(all.planes().row(r));
                    assertThat(Arrays.copyOfRange(all.corrections(), r * 4, r * 4 + 4)).isEqualTo(one.corrections());
                    assertThat(again.planes().row(r)).isEqualTo(all.planes().row(r));
                }
            }
        }
    }

    @Test
    void aZeroVectorAndAConstantVectorEncodeWithoutNaN() {
        FloatEmbeddingBatch x = FloatEmbeddingBatch.of(new float[][]{{0, 0, 0, 0}, {1, 1, 1, 1}, {1, -2, 3, -4}});
        OsqQuantizer quantizer = OsqQuantizer.fit(x, 1);
        try (OsqCodes d = quantizer.encodeDocuments(x); OsqCodes q = quantizer.encodeQueries(x, 4)) {
            for (float c : d.corrections()) {
                assertThat(c).isFinite();
            }
            for (float c : q.corrections()) {
                assertThat(c).isFinite();
            }
            for (float s : OsqOracle.topK(d, q, 3).scores()) {
                assertThat(s).isFinite();
            }
        }
    }

    @Test
    void keysOrderScoresDescendingAndGiveThemBack() {
        SplitMix64 rng = new SplitMix64(5);
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat((int) rng.nextLong());
        }
        float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};
        System.arraycopy(specials, 0, values, 0, specials.length);
        for (float a : values) {
            if (Float.isNaN(a)) {
                continue;
            }
            assertThat(Float.floatToRawIntBits(Ranking.scoreOf(Ranking.keyOf(a)))).isEqualTo(Float.floatToRawIntBits(a));
            assertThat(Ranking.keyOf(a)).as("below the heaps' empty bound").isLessThan(Integer.MAX_VALUE);
            for (float b : specials) {
                if (a > b) {
                    assertThat(Ranking.keyOf(a)).as("%s ranks before %s", a, b).isLessThan(Ranking.keyOf(b));
                }
            }
        }
        assertThat(Ranking.keyOf(0f)).as("+0 ranks just before -0").isEqualTo(Ranking.keyOf(-0f) - 1);
    }

    @Test
    void refusesWhatItCannotEncodeNamingTheArgumentOrSource() {
        FloatEmbeddingBatch x = OsqOracle.vectors(1, 10, 8, "random");
        assertThatThrownBy(() -> OsqQuantizer.fit(x, 3)).isInstanceOf(BadArgumentException.class)
                .hasMessage("osq documents take 1, 2 or 4 bits a dimension, got 3")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("bits");
        OsqQuantizer quantizer = OsqQuantizer.fit(x, 1);
        assertThatThrownBy(() -> quantizer.encodeQueries(x, 2)).isInstanceOf(BadArgumentException.class)
                .hasMessage("osq queries take 4 or 8 bits a dimension, got 2")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("query_bits");
        FloatEmbeddingBatch wide = FloatEmbeddingBatch.ofFlat(new float[9], 1, 9, "wide.npy");
        assertThatThrownBy(() -> quantizer.encodeQueries(wide, 4)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("wide.npy").hasMessageContaining("rows have 9 dims, the osq centroid has 8");
        float[] bad = new float[16];
        bad[11] = Float.NaN;
        FloatEmbeddingBatch nan = FloatEmbeddingBatch.ofFlat(bad, 2, 8, "nan.npy");
        assertThatThrownBy(() -> quantizer.encodeDocuments(nan)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("nan.npy").hasMessageContaining("row 1, column 3");
        assertThatThrownBy(() -> OsqQuantizer.fit(nan, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("row 1, column 3");
        assertThatThrownBy(() -> OsqQuantizer.of(new float[]{1, Float.POSITIVE_INFINITY}, 1)).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("centroid");
        assertThatThrownBy(() -> OsqQuantizer.fit(FloatEmbeddingBatch.ofFlat(new float[0], 0, 8, "empty.npy"), 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("empty.npy").hasMessageContaining("at least one corpus row");
    }
}
