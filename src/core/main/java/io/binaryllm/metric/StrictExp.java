package io.binaryllm.metric;

import io.binaryllm.internal.vectorization.ExpKernel;
import io.binaryllm.internal.vectorization.VectorizationProvider;

/**
 * {@link StrictMath#exp} of many doubles at once, the same bits as StrictMath for every input on every machine (the
 * Vector API runs fdlibm's algorithm in lanes): what needs exponentials reproducible to the last bit (a decoder's
 * softmax and SwiGLU) and many of them.
 */
public final class StrictExp {
    private static final ExpKernel KERNEL = VectorizationProvider.get().expKernel();

    private StrictExp() {
    }

    /** {@code out[outOffset + i] = StrictMath.exp(in[inOffset + i])} for i < n; in and out may be the same. */
    public static void exp(double[] in, int inOffset, double[] out, int outOffset, int n) {
        KERNEL.exp(in, inOffset, out, outOffset, n);
    }
}
