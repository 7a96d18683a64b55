package io.binaryllm.lowbit;

import io.binaryllm.internal.vectorization.LowBitKernel;

/** The SPI over one of the provider's kernels: the records taken apart into the kernels' arrays and shapes. */
record JavaLowBitKernels(LowBitKernel kernel) implements LowBitKernels {
    @Override
    public String describe() {
        return kernel.describe();
    }

    @Override
    public void ternarySums(TernaryMatrix w, int from, int to, byte[] q, int batch, int[] out) {
        kernel.ternarySums(w.trits(), w.rows(), w.cols(), from, to, q, batch, out);
    }

    @Override
    public void tq2Sums(PackedTernary w, int from, int to, byte[] q, int batch, int[] out) {
        kernel.tq2Sums(w.data(), w.rows(), w.cols(), from, to, q, batch, out);
    }

    @Override
    public void binarySums(BinaryMatrix w, int from, int to, byte[] q, int batch, int[] out) {
        kernel.binarySums(w.words(), w.rows(), w.cols(), w.group(), from, to, q, batch, out);
    }

    @Override
    public void signSums(BinaryMatrix w, int from, int to, long[] x, int batch, int[] out) {
        kernel.signSums(w.words(), w.rows(), w.cols(), w.group(), from, to, x, batch, out);
    }
}
