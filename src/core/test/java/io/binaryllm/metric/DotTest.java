package io.binaryllm.metric;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The public fixed-order dot product and matrix-vector product against the written order. */
class DotTest {
    /** The specification: eight partial sums s[j % 8] of exact products in double, combined pairwise. */
    private static double specified(float[] a, int ao, float[] b, int bo, int d) {
        double[] s = new double[8];
        for (int j = 0; j < d; j++) {
            s[j % 8] += (double) a[ao + j] * b[bo + j];
        }
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }

    @Test
    void everyRowOfAMatrixVectorProductIsTheSpecifiedSumRoundedOnce() {
        SplittableRandom r = new SplittableRandom(9);
        for (int d : new int[]{1, 7, 8, 9, 63, 64, 65, 131}) {
            for (int rows : new int[]{1, 3, 4, 5, 9}) {
                float[] w = new float[3 + rows * d];
                float[] x = new float[2 + d];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (r.nextGaussian() * 1e3);
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                float[] out = new float[1 + rows];
                Dot.matVec(w, 3, rows, d, x, 2, out, 1);
                for (int i = 0; i < rows; i++) {
                    double expected = specified(x, 2, w, 3 + i * d, d);
                    assertThat(Dot.dot(x, 2, w, 3 + i * d, d)).as("d=%d row %d", d, i).isEqualTo(expected);
                    assertThat(out[1 + i]).as("d=%d rows=%d row %d", d, rows, i).isEqualTo((float) expected);
                }
                assertThat(out[0]).isZero();
            }
        }
    }
}
