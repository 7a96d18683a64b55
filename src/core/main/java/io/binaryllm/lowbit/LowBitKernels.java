package io.binaryllm.lowbit;

import io.binaryllm.internal.vectorization.VectorizationProvider;

import java.util.Optional;

/**
 * The integer sums of low-bit linear layers as one backend computes them: the SPI a search backend offers through
 * {@link io.binaryllm.search.SearchBackend#lowBitKernels()}, called by {@link TernaryMatVec} and {@link BinaryMatVec},
 * which check the arguments first. A batch of activation rows meets one weight matrix; each method fills the outputs
 * of weight rows {@code [from, to)} only, so that the facades may split a matrix across threads.
 * <pre>
 *   ternarySums:  q (batch, cols) int8                        out (batch, rows)           out[b][r] = sum_c t(r, c) * q[b][c]
 *   binarySums:   q (batch, cols) int8                        out (batch, rows, groups)   sum over a group of sign(r, c) * q[b][c]
 *   signSums:     x (batch, ceil(cols / 64)) sign bits        out (batch, rows, groups)   agreements minus disagreements
 * </pre>
 * Integer sums are exact: every implementation returns the same ints as {@link #scalar()}, the specification.
 */
public interface LowBitKernels {
    /** What computes, e.g. "AVX-512 VNNI C (vpdpbusd)". */
    String describe();

    /** Ternary rows {@code [from, to)} of {@code w} against {@code batch} rows of int8 activations. */
    void ternarySums(TernaryMatrix w, int from, int to, byte[] q, int batch, int[] out);

    /** The same over a TQ2_0 matrix, read as it lies (its blocks' scales are not read). */
    void tq2Sums(PackedTernary w, int from, int to, byte[] q, int batch, int[] out);

    /** Binary rows against int8 activations, one sum a group of {@code w.group()} columns. */
    void binarySums(BinaryMatrix w, int from, int to, byte[] q, int batch, int[] out);

    /** Binary rows against sign-bit activations (XNOR-popcount), one sum a group. */
    void signSums(BinaryMatrix w, int from, int to, long[] x, int batch, int[] out);

    /**
     * Whether the facades may split a product's rows across threads (the CPU kernels: yes); a device kernel wants each
     * product whole, in one call.
     */
    default boolean splitsRows() {
        return true;
    }

    /** Plain Java, one multiply-add a weight: the specification (the {@code reference} backend's). */
    static LowBitKernels scalar() {
        return new JavaLowBitKernels(VectorizationProvider.at(VectorizationProvider.Level.SCALAR).lowBitKernel());
    }

    /** This JVM's Java kernels: the Vector API's where it is in the module graph (the {@code cpu} backend's). */
    static LowBitKernels java() {
        return new JavaLowBitKernels(VectorizationProvider.get().lowBitKernel());
    }

    /**
     * The C kernels at the best variant this CPU runs (AVX-512 VNNI, AVX2, scalar C; the {@code native} backend's), or
     * empty where the native library does not load ({@code VectorizationProvider}'s reason).
     */
    static Optional<LowBitKernels> nativeC() {
        return VectorizationProvider.get().nativeLowBitKernel(-1).map(JavaLowBitKernels::new);
    }
}
