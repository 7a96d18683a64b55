package io.binaryllm.internal.vectorization;

import java.util.Arrays;

/**
 * The double-precision dot product of two float rows, in the order every implementation must follow: eight partial
 * sums {@code s[j % 8] += (double) a[j] * b[j]} over j = 0..d-1, combined as
 * {@code ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7))}. A float product is exact in double, so only this summation order
 * decides the result, and it is the order of an 8-lane vector loop. {@link ScalarDotProduct} is the specification.
 */
public interface DotProduct {
    double dot(float[] a, int aOffset, float[] b, int bOffset, int d);

    /**
     * {@code out[r] = dot(a, aOffset, b, o[r], d)} for four rows of b, each bit-identical to {@link #dot}.
     * Implementations may interleave the four: each row's eight partial sums still run in the specified order, and
     * the four independent chains hide the adder's latency that one chain waits on.
     */
    default void dot4(float[] a, int aOffset, float[] b, int o0, int o1, int o2, int o3, int d, double[] out) {
        out[0] = dot(a, aOffset, b, o0, d);
        out[1] = dot(a, aOffset, b, o1, d);
        out[2] = dot(a, aOffset, b, o2, d);
        out[3] = dot(a, aOffset, b, o3, d);
    }

    /**
     * {@code out[outOffset + r] = dot(x, xOffset, w, wOffset + r * stride, d)} for {@code rows} rows of w spaced
     * {@code stride} apart (a matrix's rows, or one head's keys in a cache), each bit-identical to {@link #dot}.
     * Implementations may widen x once for all rows and run several rows at a time.
     */
    default void dots(float[] x, int xOffset, float[] w, int wOffset, int stride, int rows, int d, double[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            out[outOffset + r] = dot(x, xOffset, w, wOffset + r * stride, d);
        }
    }

    /**
     * A matrix-vector product: {@code out[outOffset + r] = (float) dot(x, xOffset, w, wOffset + r * d, d)} for the
     * {@code rows} rows of the row-major (rows, d) matrix at {@code w[wOffset]}, each row's sum rounded to float once.
     */
    default void matVec(float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            out[outOffset + r] = (float) dot(x, xOffset, w, wOffset + r * d, d);
        }
    }

    /**
     * Attention's weighted sum of value rows, in float: for j < d,
     * {@code out[outOffset + j] = sum over i = 0..n-1 of weights[i] * v[vOffset + row(i) * stride + j]}, row(i) =
     * {@code rows == null ? i : rows[i]}, each product rounded to float and added in i order to a float sum that starts
     * at 0, as Java's {@code s += a * b} does (never fused). Every j is its own sum, so j's may run in vector lanes.
     */
    default void weightedRows(float[] weights, int n, int[] rows, float[] v, int vOffset, int stride, int d, float[] out, int outOffset) {
        Arrays.fill(out, outOffset, outOffset + d, 0f);
        for (int i = 0; i < n; i++) {
            float a = weights[i];
            int o = vOffset + (rows == null ? i : rows[i]) * stride;
            for (int j = 0; j < d; j++) {
                out[outOffset + j] += a * v[o + j];
            }
        }
    }
}
