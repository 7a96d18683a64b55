package io.binaryllm.internal.vectorization;

/** The specification of {@link DotProduct}: eight partial sums in index order, then the fixed pairwise combination. */
final class ScalarDotProduct implements DotProduct {
    @Override
    public double dot(float[] a, int aOffset, float[] b, int bOffset, int d) {
        double[] s = new double[8];
        for (int j = 0; j < d; j++) {
            s[j & 7] += (double) a[aOffset + j] * b[bOffset + j];
        }
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }
}
