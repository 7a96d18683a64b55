package io.binaryllm.gpu.internal;

import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryMatrix;

import java.lang.foreign.MemorySegment;

/**
 * The low-bit sums on a GPU backend's device: each call sends its weights and activations and reads the sums back
 * (the weights are not kept between calls yet: a decoder pays their transfer every token). The same ints as
 * {@code reference}'s, held by the equivalence suite on every device that runs.
 */
record DeviceLowBitKernels(String backend, GpuRuntime<?> runtime) implements LowBitKernels {
    @Override
    public String describe() {
        return backend + " kernels on " + runtime.describe();
    }

    /** One call sums a whole product: split across threads, the device would be sent the weights once a range. */
    @Override
    public boolean splitsRows() {
        return false;
    }

    @Override
    public void ternarySums(TernaryMatrix w, int from, int to, byte[] q, int batch, int[] out) {
        runtime.lowBitSums(Kernel.TERNARY_SUMS, MemorySegment.ofArray(w.trits()), w.rows(), w.cols(), 0, from, to, MemorySegment.ofArray(q),
                batch, out);
    }

    @Override
    public void tq2Sums(PackedTernary w, int from, int to, byte[] q, int batch, int[] out) {
        runtime.lowBitSums(Kernel.TQ2_SUMS, MemorySegment.ofArray(w.data()), w.rows(), w.cols(), 0, from, to, MemorySegment.ofArray(q),
                batch, out);
    }

    @Override
    public void binarySums(BinaryMatrix w, int from, int to, byte[] q, int batch, int[] out) {
        runtime.lowBitSums(Kernel.BINARY_SUMS, MemorySegment.ofArray(w.words()), w.rows(), w.cols(), w.group(), from, to,
                MemorySegment.ofArray(q), batch, out);
    }

    @Override
    public void signSums(BinaryMatrix w, int from, int to, long[] x, int batch, int[] out) {
        runtime.lowBitSums(Kernel.SIGN_SUMS, MemorySegment.ofArray(w.words()), w.rows(), w.cols(), w.group(), from, to,
                MemorySegment.ofArray(x), batch, out);
    }
}
