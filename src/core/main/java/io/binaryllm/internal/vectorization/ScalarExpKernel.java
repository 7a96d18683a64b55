package io.binaryllm.internal.vectorization;

/** The specification of {@link ExpKernel}: StrictMath.exp, one at a time. */
final class ScalarExpKernel implements ExpKernel {
    @Override
    public void exp(double[] in, int inOffset, double[] out, int outOffset, int n) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = StrictMath.exp(in[inOffset + i]);
        }
    }
}
