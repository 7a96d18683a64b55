package io.binaryllm.internal.vectorization;

/**
 * The integer sums of low-bit linear layers ({@link io.binaryllm.lowbit} specifies the products; {@link
 * ScalarLowBitKernel} is the plain loops): a batch of int8 (or sign-bit) activation rows against one weight matrix.
 * Integer sums are exact, so every implementation gives the same ints in whatever order it adds. Each method fills
 * the outputs of weight rows {@code [from, to)} only, so that a caller may split a matrix across threads; arguments
 * are checked by the callers.
 */
public interface LowBitKernel {
    /** What computes, e.g. "Vector API, 512-bit". */
    String describe();

    /**
     * Ternary weights against int8 activations.
     * <pre>
     *   trits (rows, cols) int8, each -1, 0 or +1      q (batch, cols) int8      out (batch, rows) int32
     *   out[b * rows + r] = sum over c of trits[r * cols + c] * q[b * cols + c]
     * </pre>
     */
    void ternarySums(byte[] trits, int rows, int cols, int from, int to, byte[] q, int batch, int[] out);

    /**
     * The same sums over rows packed in TQ2_0 blocks (layout {@link io.binaryllm.lowbit.TernaryFormat#TQ2_0}; the
     * blocks' scales are not read): a quarter of the bytes.
     * <pre>
     *   blocks (rows, cols / 256, 66) bytes      q (batch, cols) int8      out (batch, rows) int32
     * </pre>
     */
    void tq2Sums(byte[] blocks, int rows, int cols, int from, int to, byte[] q, int batch, int[] out);

    /**
     * Binary weights against int8 activations, one sum a group of {@code group} columns ({@code group} divides
     * {@code cols}): weight (r, c) is +1 where bit c of row r is set, -1 where it is clear.
     * <pre>
     *   words (rows, ceil(cols / 64)) LSB-first      q (batch, cols) int8      out (batch, rows, cols / group) int32
     * </pre>
     */
    void binarySums(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out);

    /**
     * Binary weights against binary activations (XNOR-popcount): each group's count of agreeing signs minus
     * disagreeing ones, {@code group - 2 * popcount(w ^ x)} over the group's bits.
     * <pre>
     *   words (rows, ceil(cols / 64))      x (batch, ceil(cols / 64)) LSB-first, padding bits zero      out (batch, rows, cols / group)
     * </pre>
     */
    void signSums(long[] words, int rows, int cols, int group, int from, int to, long[] x, int batch, int[] out);
}
