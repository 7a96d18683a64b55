package io.binaryllm.internal.vectorization;

/**
 * {@link StrictMath#exp} of many doubles: {@code out[outOffset + i] = StrictMath.exp(in[inOffset + i])} for i < n, the
 * same bits as StrictMath for every input. {@link ScalarExpKernel} is the specification; in and out may be the same
 * array at the same offset.
 */
public interface ExpKernel {
    void exp(double[] in, int inOffset, double[] out, int outOffset, int n);
}
