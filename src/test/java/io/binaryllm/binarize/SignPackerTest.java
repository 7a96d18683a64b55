package io.binaryllm.binarize;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Vector API packer must equal the scalar specification bit for bit, on every width and value class. */
class SignPackerTest {
    private final SignPacker scalar = new ScalarSignPacker();
    private final SignPacker vector = new VectorSignPacker();

    /** Values across the whole float range, so the summation order of the scales matters. */
    private static float[][] nasty(long seed, int rows, int d) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[rows][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = switch (r.nextInt(8)) {
                    case 0 -> 0.0f;
                    case 1 -> -0.0f;
                    case 2 -> Float.MIN_VALUE * (r.nextBoolean() ? 1 : -1);
                    case 3 -> (float) (r.nextDouble() * 1e30);
                    case 4 -> (float) (-r.nextDouble() * 1e-30);
                    default -> (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
                };
            }
        }
        return out;
    }

    @Test
    void vectorEqualsScalarOnEveryWidth() {
        for (int d = 1; d <= 300; d += (d < 70 ? 1 : 37)) {
            float[][] x = nasty(d, 5, d);
            try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(x);
                 BinaryCodeBatch a = BinaryCodeBatch.allocate(5, d, "a");
                 BinaryCodeBatch b = BinaryCodeBatch.allocate(5, d, "b")) {
                scalar.packSigns(in, a);
                vector.packSigns(in, b);
                assertThat(b.segment().mismatch(a.segment())).as("d=%d", d).isEqualTo(-1);
                assertThat(vector.meanAbs(in)).as("d=%d", d).containsExactly(scalar.meanAbs(in));
            }
        }
    }

    @Test
    void theSummationOrderIsTheDocumentedOne() {
        // 2^53 then fifteen 1s: left to right, every +1 is rounded away (the spacing of doubles at 2^53 is 2) and
        // the sum stays 2^53; with eight lane sums the 1s first meet each other and the total is 2^53 + 14.
        float[] row = new float[16];
        java.util.Arrays.fill(row, 1f);
        row[0] = 0x1p53f;
        double leftToRight = 0;
        for (float v : row) {
            leftToRight += v;
        }
        assertThat(leftToRight).isEqualTo(0x1p53);
        try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(new float[][]{row})) {
            assertThat(scalar.meanAbs(in)).containsExactly((0x1p53 + 14) / 16);
            assertThat(vector.meanAbs(in)).containsExactly((0x1p53 + 14) / 16);
        }
    }

    @Test
    void bothRefuseNonFiniteValuesWithTheSameMessage() {
        float[][] x = nasty(3, 4, 40);
        x[2][37] = Float.POSITIVE_INFINITY;
        for (SignPacker p : new SignPacker[]{scalar, vector}) {
            try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(x); BinaryCodeBatch out = BinaryCodeBatch.allocate(4, 40, "o")) {
                assertThatThrownBy(() -> p.packSigns(in, out)).isInstanceOf(BadInputException.class)
                        .hasMessage("<memory>: row 2, column 37 is Infinity (embeddings must be finite)");
            }
        }
    }
}
