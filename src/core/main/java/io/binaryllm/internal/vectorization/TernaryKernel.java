package io.binaryllm.internal.vectorization;

/**
 * The int32 row sums of a ternary x int8 matrix-vector product ({@link io.binaryllm.lowbit.TernaryMatVec} specifies
 * the product; {@link ScalarTernaryKernel} is the plain loop): {@code out[r] = sum over c of trits[r * cols + c] * q[c]}. Integer sums are exact, so every
 * implementation gives the same ints in whatever order it adds.
 */
public interface TernaryKernel {
    /** What computes, e.g. "Vector API, 512-bit". */
    String describe();

    /** Row sums of {@code rows x cols} trits (row-major, each -1, 0 or +1) against {@code cols} int8 activations. */
    void sums(byte[] trits, int rows, int cols, byte[] q, int[] out);

    /**
     * The same sums over rows packed in TQ2_0 blocks ({@code cols / 256} blocks of 66 bytes a row, layout
     * {@link io.binaryllm.lowbit.TernaryFormat#TQ2_0}; the blocks' scales are not read): a quarter of the bytes.
     */
    void sumsTq2(byte[] blocks, int rows, int cols, byte[] q, int[] out);
}
