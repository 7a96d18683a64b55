package io.binaryllm.metric;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DotProductTest {
    @Test
    void vectorEqualsTheScalarSpecificationOnEveryLength() {
        SplittableRandom r = new SplittableRandom(9);
        DotProduct vector = new VectorDotProduct();
        for (int d = 1; d <= 70; d++) {
            float[] a = new float[d + 3];
            float[] b = new float[d + 5];
            for (int j = 0; j < a.length; j++) {
                a[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
            }
            for (int j = 0; j < b.length; j++) {
                b[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
            }
            assertThat(vector.dot(a, 3, b, 5, d)).as("d=%d", d).isEqualTo(DotProduct.SCALAR.dot(a, 3, b, 5, d));
        }
    }

    @Test
    void theSummationOrderIsTheDocumentedOne() {
        // Products 2^54, then fifteen 1s: left to right every +1 is rounded away (doubles near 2^54 are 4 apart);
        // in eight lanes the 1s are added to each other first and part of them survives.
        float[] a = new float[16];
        java.util.Arrays.fill(a, 1f);
        a[0] = 0x1p27f;
        double expected;
        double[] s = new double[8];
        for (int j = 0; j < 16; j++) {
            s[j & 7] += (double) a[j] * a[j];
        }
        expected = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        double leftToRight = 0;
        for (float v : a) {
            leftToRight += (double) v * v;
        }
        assertThat(expected).isNotEqualTo(leftToRight);
        assertThat(DotProduct.SCALAR.dot(a, 0, a, 0, 16)).isEqualTo(expected);
        assertThat(new VectorDotProduct().dot(a, 0, a, 0, 16)).isEqualTo(expected);
    }

    @Test
    void dot4EqualsFourScalarDotsOnEveryLength() {
        SplittableRandom r = new SplittableRandom(11);
        for (DotProduct dp : new DotProduct[]{new VectorDotProduct(), DotProduct.SCALAR}) {
            for (int d = 1; d <= 40; d++) {
                float[] a = new float[d + 2];
                float[] b = new float[6 * d + 9];
                for (int j = 0; j < a.length; j++) {
                    a[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
                }
                for (int j = 0; j < b.length; j++) {
                    b[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
                }
                int[] o = {3, 5 * d + 9 - d, 1, 2 * d};
                double[] out = new double[4];
                dp.dot4(a, 2, b, o[0], o[1], o[2], o[3], d, out);
                for (int i = 0; i < 4; i++) {
                    assertThat(out[i]).as("d=%d row %d", d, i).isEqualTo(DotProduct.SCALAR.dot(a, 2, b, o[i], d));
                }
            }
        }
    }
}
