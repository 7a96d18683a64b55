package io.binaryllm.metric;

import io.binaryllm.internal.vectorization.Exponentials;
import io.binaryllm.internal.vectorization.VectorizationProvider;

/**
 * The engine's exponential: {@link StrictMath#exp}'s bits (fdlibm), the same on every JVM and machine, for a run of
 * doubles at once (in vector lanes where the CPU has them). What needs exponentials reproducible to the last bit (a
 * decoder's softmax and SwiGLU) takes them here.
 */
public final class Exp {
    /** This JVM's kernel, decided once (the provider's choice does not change while it runs). */
    private static final Exponentials KERNEL = VectorizationProvider.get().exponentials();

    private Exp() {
    }

    /** {@code x[i] = StrictMath.exp(x[i])} for i in [from, to). */
    public static void exp(double[] x, int from, int to) {
        if (from < 0 || from > to || to > x.length) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of an array of " + x.length);
        }
        KERNEL.exp(x, from, to);
    }
}
