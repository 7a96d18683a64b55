package io.binaryllm.internal.vectorization;

/**
 * {@code e^x} of doubles in place, each the same bits as {@link StrictMath#exp} (fdlibm's {@code e_exp.c}, which the
 * JDK's {@code StrictMath} is): a decoder's softmax and SwiGLU take their exponentials here, so a vectorized one
 * must reproduce fdlibm's every step, in the same order, without fused multiply-adds. {@link ScalarExponentials} is
 * the specification.
 */
public interface Exponentials {
    /** {@code x[i] = StrictMath.exp(x[i])} for i in [from, to). */
    void exp(double[] x, int from, int to);
}
