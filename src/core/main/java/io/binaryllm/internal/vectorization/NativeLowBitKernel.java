package io.binaryllm.internal.vectorization;

import java.lang.foreign.MemorySegment;

/**
 * Ternary sums in C ({@code native/binaryllm_lowbit.c}: AVX-512 VNNI, AVX2 or scalar, the best this CPU runs), one
 * downcall per matrix and row range; binary weights summed by the Java kernel beside it, whose popcounts the JIT
 * already makes single instructions.
 */
final class NativeLowBitKernel implements LowBitKernel {
    private final NativeLibrary library;
    private final int variant;
    private final LowBitKernel java;

    NativeLowBitKernel(NativeLibrary library, int variant, LowBitKernel java) {
        this.library = library;
        this.variant = variant;
        this.java = java;
    }

    @Override
    public String describe() {
        return NativeLibrary.LOW_BIT_VARIANTS[variant] + "; binary weights: " + java.describe();
    }

    @Override
    public void ternarySums(byte[] trits, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        try {
            library.ternarySums.invokeExact(variant, MemorySegment.ofArray(trits), rows, cols, from, to, MemorySegment.ofArray(q), batch,
                    MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw new IllegalStateException("blm_ternary_sums failed", t);
        }
    }

    @Override
    public void tq2Sums(byte[] blocks, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        try {
            library.tq2Sums.invokeExact(variant, MemorySegment.ofArray(blocks), rows, cols, from, to, MemorySegment.ofArray(q), batch,
                    MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw new IllegalStateException("blm_tq2_sums failed", t);
        }
    }

    @Override
    public void binarySums(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out) {
        java.binarySums(words, rows, cols, group, from, to, q, batch, out);
    }

    @Override
    public void signSums(long[] words, int rows, int cols, int group, int from, int to, long[] x, int batch, int[] out) {
        java.signSums(words, rows, cols, group, from, to, x, batch, out);
    }
}
