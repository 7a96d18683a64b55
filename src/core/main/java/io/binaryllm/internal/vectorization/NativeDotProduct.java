package io.binaryllm.internal.vectorization;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Many-row products in C ({@code native/binaryllm_f32.c}: AVX-512, AVX2 or scalar, the best this CPU runs), one
 * downcall per matrix, row range or head: a decoder's projections and classifier ({@link #matVec}) and its attention
 * scores ({@link #dots}); single products (a cosine) and attention's value sums stay in the Java kernel beside it.
 */
final class NativeDotProduct implements DotProduct {
    // The C side trusts its arguments: each downcall's ranges are checked first, as an array access in Java would be.
    private final NativeLibrary library;
    private final int variant;
    private final DotProduct java;

    NativeDotProduct(NativeLibrary library, int variant, DotProduct java) {
        this.library = library;
        this.variant = variant;
        this.java = java;
    }

    @Override
    public String toString() {
        return NativeLibrary.F32_VARIANTS[variant] + " row products; others: " + java;
    }

    @Override
    public double dot(float[] a, int aOffset, float[] b, int bOffset, int d) {
        return java.dot(a, aOffset, b, bOffset, d);
    }

    @Override
    public void dot4(float[] a, int aOffset, float[] b, int o0, int o1, int o2, int o3, int d, double[] out) {
        java.dot4(a, aOffset, b, o0, o1, o2, o3, d, out);
    }

    @Override
    public void dots(float[] x, int xOffset, float[] w, int wOffset, int stride, int rows, int d, double[] out, int outOffset) {
        if (rows <= 0) {
            return;
        }
        if (stride < 0) {
            throw new IllegalArgumentException("stride must be at least 0, got " + stride);
        }
        Objects.checkFromIndexSize(wOffset, Math.addExact(Math.multiplyExact(rows - 1, stride), d), w.length);
        Objects.checkFromIndexSize(xOffset, d, x.length);
        Objects.checkFromIndexSize(outOffset, rows, out.length);
        try {
            library.f32Dots.invokeExact(variant, MemorySegment.ofArray(x), xOffset, MemorySegment.ofArray(w), wOffset, stride, rows, d,
                    MemorySegment.ofArray(out), outOffset);
        } catch (Throwable t) {
            throw new IllegalStateException("blm_f32_dots failed", t);
        }
    }

    @Override
    public void matVec(float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        Objects.checkFromIndexSize(wOffset, Math.multiplyExact(rows, d), w.length);
        Objects.checkFromIndexSize(xOffset, d, x.length);
        Objects.checkFromIndexSize(outOffset, rows, out.length);
        try {
            library.f32MatVec.invokeExact(variant, MemorySegment.ofArray(w), wOffset, rows, d, MemorySegment.ofArray(x), xOffset,
                    MemorySegment.ofArray(out), outOffset);
        } catch (Throwable t) {
            throw new IllegalStateException("blm_f32_matvec failed", t);
        }
    }

    @Override
    public void weightedRows(float[] weights, int n, int[] rows, float[] v, int vOffset, int stride, int d, float[] out, int outOffset) {
        java.weightedRows(weights, n, rows, v, vOffset, stride, d, out, outOffset);
    }
}
