package io.binaryllm.metric;

import io.binaryllm.internal.vectorization.DotProduct;
import io.binaryllm.internal.vectorization.VectorizationProvider;

/**
 * The engine's dot product of float rows: products exact in double, summed in the fixed order of docs/contracts.md
 * (eight partial sums {@code s[j % 8]}, combined {@code ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7))}), the same bits at every
 * vectorization level and on every machine. What needs floats reproducible to the last bit (cosine baselines, a
 * decoder's logits) computes its sums here.
 */
public final class Dot {
    /** This JVM's kernel, decided once (the provider's choice does not change while it runs). */
    private static final DotProduct KERNEL = VectorizationProvider.get().dotProduct();

    private Dot() {
    }

    /** {@code sum a[aOffset + j] * b[bOffset + j]} for j < d, in the fixed order. */
    public static double dot(float[] a, int aOffset, float[] b, int bOffset, int d) {
        return KERNEL.dot(a, aOffset, b, bOffset, d);
    }

    /**
     * A matrix-vector product: {@code out[outOffset + i] = (float) dot(row i of w, x)} for the {@code rows} rows of the
     * row-major (rows, d) matrix starting at {@code w[wOffset]}; each row's sum in the fixed order, rounded to float
     * once.
     */
    public static void matVec(float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        KERNEL.matVec(w, wOffset, rows, d, x, xOffset, out, outOffset);
    }

    /**
     * {@code out[outOffset + r] = dot(x, xOffset, w, wOffset + r * stride, d)} for {@code rows} rows of w spaced
     * {@code stride} apart (one attention head's cached keys, say), each as {@link #dot} computes it.
     */
    public static void dots(float[] x, int xOffset, float[] w, int wOffset, int stride, int rows, int d, double[] out, int outOffset) {
        KERNEL.dots(x, xOffset, w, wOffset, stride, rows, d, out, outOffset);
    }

    /**
     * Attention's weighted sum of value rows: {@code out[outOffset + j] = sum_i weights[i] * v[vOffset + row(i) * stride + j]}
     * for j < d over i = 0..n-1 in order, row(i) = {@code rows == null ? i : rows[i]}, in float (each product rounded,
     * then added to a sum starting at 0; docs/contracts.md).
     */
    public static void weightedRows(float[] weights, int n, int[] rows, float[] v, int vOffset, int stride, int d, float[] out, int outOffset) {
        KERNEL.weightedRows(weights, n, rows, v, vOffset, stride, d, out, outOffset);
    }
}
