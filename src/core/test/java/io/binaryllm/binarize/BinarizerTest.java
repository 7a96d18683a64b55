package io.binaryllm.binarize;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.seed.Seeds;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinarizerTest {
    /** Gaussian values with exact zeros and negative zeros sprinkled in. */
    static float[][] floats(long seed, int rows, int d) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[rows][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                int pick = r.nextInt(10);
                row[j] = pick == 0 ? 0.0f : pick == 1 ? -0.0f : (float) (r.nextDouble() * 2 - 1);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 63, 64, 65, 127, 128, 129, 130, 257})
    void signEqualsNumpyPackbitsLittlePaddedToWords(int d) {
        float[][] x = floats(d, 37, d);
        try (Binarized b = new SignBinarizer().binarize(FloatEmbeddingBatch.of(x))) {
            BinaryCodeBatch codes = b.codes();
            assertThat(codes.bits()).isEqualTo(d);
            int rowBytes = codes.words() * 8;
            for (int i = 0; i < x.length; i++) {
                byte[] actual = codes.segment().asSlice((long) i * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE);
                assertThat(actual).as("row %d", i).isEqualTo(Oracle.packbitsLittle(x[i], rowBytes));
            }
        }
    }

    @Test
    void zeroAndNegativeZeroAreZeroBitsAndTinyPositivesAreOnes() {
        float[][] x = {{0.0f, -0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -5f, 5f}};
        try (Binarized b = new SignBinarizer().binarize(FloatEmbeddingBatch.of(x))) {
            assertThat(b.codes().word(0, 0)).isEqualTo(0b1010100L);
        }
    }

    @Test
    void nonFiniteInputIsRefusedNamingRowAndColumn() {
        float[][] x = floats(1, 5, 9);
        x[3][7] = Float.NaN;
        for (Binarizer b : new Binarizer[]{new SignBinarizer(), new ScaledSignBinarizer(), new HyperplaneBinarizer(8, new Seeds(1))}) {
            assertThatThrownBy(() -> b.binarize(FloatEmbeddingBatch.of(x))).isInstanceOf(BadInputException.class)
                    .hasMessage("<memory>: row 3, column 7 is NaN (embeddings must be finite)");
        }
        x[3][7] = 0;
        x[0][0] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> new SignBinarizer().binarize(FloatEmbeddingBatch.of(x)))
                .hasMessageContaining("row 0, column 0 is -Infinity");
    }

    @Test
    void scaledSignKeepsSignBitsAndTheMeanAbsoluteValue() {
        float[][] x = {{1, -2, 3, -4}, {0, 0, 0, 0}, {0.5f, 0.5f, -0.5f, 0.25f}};
        try (Binarized b = new ScaledSignBinarizer().binarize(FloatEmbeddingBatch.of(x))) {
            assertThat(b.scales().orElseThrow()).containsExactly(2.5, 0.0, 0.4375);
            assertThat(b.codes().word(0, 0)).isEqualTo(0b0101);
            assertThat(b.codes().word(2, 0)).isEqualTo(0b1011);
        }
    }

    @Test
    void hyperplaneIsSeededDeterministicAndPrefixStable() {
        FloatEmbeddingBatch x = FloatEmbeddingBatch.of(floats(3, 50, 33));
        try (Binarized a = new HyperplaneBinarizer(67, new Seeds(5)).binarize(x);
             Binarized again = new HyperplaneBinarizer(67, new Seeds(5)).binarize(x);
             Binarized other = new HyperplaneBinarizer(67, new Seeds(6)).binarize(x);
             Binarized shorter = new HyperplaneBinarizer(10, new Seeds(5)).binarize(x)) {
            assertThat(a.codes().bits()).isEqualTo(67);
            assertThat(a.codes().words()).isEqualTo(2);
            assertThat(a.codes().segment().mismatch(again.codes().segment())).isEqualTo(-1);
            assertThat(a.codes().segment().mismatch(other.codes().segment())).isNotEqualTo(-1);
            for (int r = 0; r < 50; r++) {
                assertThat(shorter.codes().word(r, 0)).isEqualTo(a.codes().word(r, 0) & 0x3FF);
            }
        }
    }

    @Test
    void hyperplaneBitsAreTheSignsOfTheProjection() {
        // Independent check in double precision: wherever the projection is clearly away from zero, the float32
        // fma chain of the contract must give the same sign.
        int d = 65;
        int m = 129;
        float[][] x = floats(11, 40, d);
        HyperplaneBinarizer h = new HyperplaneBinarizer(m, new Seeds(99));
        float[] r = h.projection(d);
        int checked = 0;
        try (Binarized b = h.binarize(FloatEmbeddingBatch.of(x))) {
            for (int row = 0; row < x.length; row++) {
                for (int i = 0; i < m; i++) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += (double) r[i * d + j] * x[row][j];
                    }
                    if (Math.abs(dot) > 1e-3) {
                        assertThat(b.codes().bit(row, i)).as("row %d bit %d", row, i).isEqualTo(dot > 0 ? 1 : 0);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(40 * m * 9 / 10);
    }

    @Test
    void projectionEntriesAreStandardNormal() {
        float[] r = new HyperplaneBinarizer(200, new Seeds(1)).projection(100);
        double mean = 0;
        double var = 0;
        for (float v : r) {
            mean += v;
        }
        mean /= r.length;
        for (float v : r) {
            var += (v - mean) * (v - mean);
        }
        var /= r.length;
        assertThat(mean).isBetween(-0.02, 0.02);
        assertThat(var).isBetween(0.97, 1.03);
    }

    @Test
    void binarizersByNameWithClearErrors() {
        assertThat(Binarizers.create("sign", null, new Seeds(0)).name()).isEqualTo("sign");
        assertThat(Binarizers.create("hyperplane", 3, new Seeds(0)).bits(100)).isEqualTo(3);
        assertThatThrownBy(() -> Binarizers.create("itq", null, new Seeds(0))).isInstanceOf(BadArgumentException.class)
                .hasMessage("unknown binarizer 'itq'; known: sign, scaled-sign, hyperplane")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("binarizer");
        assertThatThrownBy(() -> Binarizers.create("sign", 8, new Seeds(0))).isInstanceOf(BadArgumentException.class)
                .hasMessage("sign keeps one bit per input dimension; bits apply to hyperplane only");
        assertThatThrownBy(() -> Binarizers.create("hyperplane", null, new Seeds(0))).hasMessage("hyperplane needs a bit count");
        assertThatThrownBy(() -> Binarizers.create("hyperplane", 0, new Seeds(0))).isInstanceOf(BadArgumentException.class)
                .hasMessage("hyperplane needs a positive bit count, got 0")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("bits");
    }

    /** One binarizer over rows of different widths: the kept projection is rebuilt for each, never reused wrongly. */
    @Test
    void aHyperplaneBinarizerServesEveryWidthItIsGiven() {
        HyperplaneBinarizer shared = new HyperplaneBinarizer(70, new Seeds(5));
        assertThat(shared.name()).isEqualTo("hyperplane");
        assertThat(shared.bits(999)).isEqualTo(70);
        for (int dims : new int[]{33, 34, 33, 8}) {
            FloatEmbeddingBatch x = FloatEmbeddingBatch.of(floats(dims, 20, dims));
            try (Binarized a = shared.binarize(x); Binarized fresh = new HyperplaneBinarizer(70, new Seeds(5)).binarize(x)) {
                assertThat(a.codes().segment().mismatch(fresh.codes().segment())).as("dims %d", dims).isEqualTo(-1);
            }
        }
        shared.requireFits(384);
        assertThatThrownBy(() -> new HyperplaneBinarizer(Integer.MAX_VALUE, new Seeds(1)).requireFits(2))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("more than one array holds");
        try (Binarized one = new HyperplaneBinarizer(1, new Seeds(5)).binarize(FloatEmbeddingBatch.of(floats(4, 3, 4)))) {
            assertThat(one.codes().bits()).isEqualTo(1);
        }
        assertThatThrownBy(() -> new HyperplaneBinarizer(0, new Seeds(5))).isInstanceOf(BadArgumentException.class);
    }
}
