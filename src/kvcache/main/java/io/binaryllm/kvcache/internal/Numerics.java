package io.binaryllm.kvcache.internal;

import io.binaryllm.metric.Dot;
import io.binaryllm.metric.Exp;

/**
 * The decoder's elementwise steps, each with its order written down so that every run gives the same bits: sums go
 * through {@link Dot}'s fixed order in double, exponentials through {@link Exp} (StrictMath's bits).
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
     * Softmax of {@code x[0..n)} in place: the maximum subtracted, exponentials in double ({@link Exp}: StrictMath's
     * bits), their sum in index order, each weight rounded to float once; {@code e} holds n doubles of scratch.
     */
    public static void softmax(float[] x, int n, double[] e) {
        float max = x[0];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        for (int i = 0; i < n; i++) {
            e[i] = (double) x[i] - max;
        }
        Exp.exp(e, 0, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += e[i];
        }
        for (int i = 0; i < n; i++) {
            x[i] = (float) (e[i] / sum);
        }
    }

    /**
     * SwiGLU's gate over elements [from, to): {@code gate[i] = (float) (v / (1 + e^-v)) * up[i]}, v = gate[i] in double,
     * e^-v from {@link Exp}; {@code scratch} (any length from 1) holds the exponentials a run at a time.
     */
    public static void swiGlu(float[] gate, float[] up, int from, int to, double[] scratch) {
        for (int start = from; start < to; start += scratch.length) {
            int n = Math.min(scratch.length, to - start);
            for (int i = 0; i < n; i++) {
                scratch[i] = -(double) gate[start + i];
            }
            Exp.exp(scratch, 0, n);
            for (int i = 0; i < n; i++) {
                double v = gate[start + i];
                gate[start + i] = (float) (v / (1.0 + scratch[i])) * up[start + i];
            }
        }
    }
}
