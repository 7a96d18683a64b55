package io.binaryllm.binarize;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The Vector API projection must give the scalar specification's bits on every shape. */
class ProjectionSignsTest {
    @Test
    void vectorEqualsScalarOnEveryShape() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int d : new int[]{1, 5, 33, 65, 257}) {
            for (int m : new int[]{1, 7, 63, 64, 65, 129, 300}) {
                float[][] x = new float[9][d];
                for (float[] row : x) {
                    for (int j = 0; j < d; j++) {
                        // Mixed magnitudes make rounding matter; exact zeros make sums land on zero.
                        row[j] = rng.nextInt(5) == 0 ? 0f : (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
                    }
                }
                HyperplaneBinarizer h = new HyperplaneBinarizer(m, new Seeds(d * 31L + m));
                try (FloatEmbeddingBatch in = FloatEmbeddingBatch.of(x);
                     Binarized scalar = h.binarize(in, new ScalarProjectionSigns());
                     Binarized vector = h.binarize(in, new VectorProjectionSigns())) {
                    assertThat(vector.codes().segment().mismatch(scalar.codes().segment())).as("d=%d m=%d", d, m).isEqualTo(-1);
                }
            }
        }
    }
}
