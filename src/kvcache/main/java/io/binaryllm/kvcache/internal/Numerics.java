package io.binaryllm.kvcache.internal;

import io.binaryllm.metric.Dot;

/**
 * The decoder's elementwise steps, each with its order written down so that every run gives the same bits: sums go
 * through {@link Dot}'s fixed order in double, transcendental functions through {@link StrictMath}.
 */
public final class Numerics {
    private Numerics() {
    }

    /** {@code out = w * x / sqrt(mean(x^2) + eps)}, the mean of squares in {@link Dot}'s order. */
    public static void rmsNorm(float[] out, float[] x, float[] w, int wOffset, int n, float eps) {
        double ss = Dot.dot(x, 0, x, 0, n) / n + eps;
        float scale = (float) (1.0 / Math.sqrt(ss));
        for (int i = 0; i < n; i++) {
            out[i] = w[wOffset + i] * (scale * x[i]);
        }
    }

    /**
     * Softmax of {@code x[0..n)} in place: the maximum subtracted, exponentials in double, their sum in index order,
     * each weight rounded to float once.
     */
    public static void softmax(float[] x, int n, double[] e) {
        float max = x[0];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            e[i] = StrictMath.exp((double) x[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < n; i++) {
            x[i] = (float) (e[i] / sum);
        }
    }

    /** SwiGLU's gate: {@code gate[i] = silu(gate[i]) * up[i]}, silu(v) = v / (1 + e^-v). */
    public static void swiGlu(float[] gate, float[] up, int n) {
        swiGlu(gate, up, 0, n);
    }

    /** {@link #swiGlu(float[], float[], int)} of elements [from, to). */
    public static void swiGlu(float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = gate[i];
            gate[i] = (float) (v / (1.0 + StrictMath.exp(-v))) * up[i];
        }
    }
}
