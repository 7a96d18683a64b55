package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * The binary-weight products, the specification every kernel reproduces: for each output and group, the int32 sum of
 * {@code sign * activation} over the group, then the output's float, in this order:
 * <pre>
 *   int8 activations (q, xScale from Int8Activations, x ~ q / xScale):
 *     acc = 0f;  for g ascending: acc = acc + (float) sum[b][r][g] * scale[r][g];     // float32, rounded, not fused
 *     y[b][r] = acc / xScale[b]
 *   sign activations (bits, xScale from SignActivations, x ~ sign * xScale):
 *     the same acc over the XNOR-popcount sums, then y[b][r] = acc * xScale[b]
 * </pre>
 * A group's int8 sum is {@code 2 * (sum of q where the bit is 1) - (sum of all q)}, and its sign sum
 * {@code group - 2 * popcount(w ^ x)}: a kernel may compute either from bit planes and popcounts; the integers are
 * the same. The sums come from a backend's {@link LowBitKernels} (this JVM's Java kernels where none is named).
 */
public final class BinaryMatVec {
    private BinaryMatVec() {
    }

    /** The int32 sums against one token, {@code [rows][groups]} row-major, by this JVM's Java kernels. */
    public static int[] sums(BinaryMatrix w, byte[] q) {
        return sums(LowBitKernels.java(), w, q, 1);
    }

    /** The int32 sums of {@code batch} tokens ({@code q} (batch, cols)): (batch, rows, groups), row-major. */
    public static int[] sums(LowBitKernels kernels, BinaryMatrix w, byte[] q, int batch) {
        TernaryMatVec.requireActivations(w.rows(), w.cols(), q, batch);
        int[] out = new int[Math.multiplyExact(Math.multiplyExact(batch, w.rows()), w.cols() / w.group())];
        RowSplit.run(kernels.splitsRows(), w.rows(), (long) w.rows() * w.cols() * batch, (from, to) -> kernels.binarySums(w, from, to, q, batch, out));
        return out;
    }

    /** The XNOR-popcount sums of {@code batch} sign-bit tokens ({@code x} (batch, ceil(cols / 64))): (batch, rows, groups). */
    public static int[] signSums(LowBitKernels kernels, BinaryMatrix w, long[] x, int batch) {
        if (batch < 1) {
            throw new BadArgumentException("batch", "batch must be at least 1 (tokens in the product), got " + batch);
        }
        if (x.length != (long) batch * w.rowWords()) {
            throw new BadArgumentException("x", "x: " + batch + " tokens of " + w.cols() + " signs need " + (long) batch * w.rowWords()
                    + " words, got " + x.length);
        }
        int tail = w.cols() & 63;
        for (int b = 0; tail != 0 && b < batch; b++) {
            if (x[(b + 1) * w.rowWords() - 1] >>> tail != 0) {
                throw new BadArgumentException("x", "x: token " + b + " has bits set past its " + w.cols() + " signs");
            }
        }
        int[] out = new int[Math.multiplyExact(Math.multiplyExact(batch, w.rows()), w.cols() / w.group())];
        RowSplit.run(kernels.splitsRows(), w.rows(), (long) w.rows() * w.rowWords() * 64 * batch, (from, to) -> kernels.signSums(w, from, to, x, batch, out));
        return out;
    }

    /** {@code w} times the activations {@code q / xScale}, as specified, by this JVM's Java kernels. */
    public static float[] matVec(BinaryMatrix w, byte[] q, float xScale) {
        return matMul(LowBitKernels.java(), w, q, new float[]{xScale});
    }

    /** {@code w} times {@code xScales.length} int8 tokens: (batch, rows) floats, row-major. */
    public static float[] matMul(LowBitKernels kernels, BinaryMatrix w, byte[] q, float[] xScales) {
        float[] acc = accumulate(w, sums(kernels, w, q, xScales.length), xScales.length);
        int rows = w.rows();
        for (int i = 0; i < acc.length; i++) {
            acc[i] = acc[i] / xScales[i / rows];
        }
        return acc;
    }

    /** {@code w} times {@code xScales.length} sign tokens ({@code x ~ sign * xScale}): (batch, rows) floats. */
    public static float[] signMatMul(LowBitKernels kernels, BinaryMatrix w, long[] x, float[] xScales) {
        float[] acc = accumulate(w, signSums(kernels, w, x, xScales.length), xScales.length);
        int rows = w.rows();
        for (int i = 0; i < acc.length; i++) {
            acc[i] = acc[i] * xScales[i / rows];
        }
        return acc;
    }

    /**
     * Rows {@code [from, to)} of one int8 token's product, {@code y[yOffset + r]} as {@link #matMul} gives it (see
     * {@link TernaryMatVec#rows(LowBitKernels, TernaryMatrix, byte[], float, int, int, int[], float[], int)}).
     *
     * @param sums (rows, groups) scratch, written at rows {@code [from, to)} only
     */
    public static void rows(LowBitKernels kernels, BinaryMatrix w, byte[] q, float xScale, int from, int to, int[] sums, float[] y, int yOffset) {
        requireRows(w, q.length, w.cols(), from, to, sums);
        kernels.binarySums(w, from, to, q, 1, sums);
        for (int r = from; r < to; r++) {
            y[yOffset + r] = row(w, sums, r) / xScale;
        }
    }

    /** Rows {@code [from, to)} of one sign token's product ({@code x}: ceil(cols / 64) words), as {@link #signMatMul}. */
    public static void signRows(LowBitKernels kernels, BinaryMatrix w, long[] x, float xScale, int from, int to, int[] sums, float[] y, int yOffset) {
        requireRows(w, x.length, w.rowWords(), from, to, sums);
        kernels.signSums(w, from, to, x, 1, sums);
        for (int r = from; r < to; r++) {
            y[yOffset + r] = row(w, sums, r) * xScale;
        }
    }

    private static void requireRows(BinaryMatrix w, int activations, int needed, int from, int to, int[] sums) {
        if (from < 0 || to > w.rows() || from > to) {
            throw new BadArgumentException("from", "rows [" + from + ", " + to + ") of a matrix of " + w.rows());
        }
        long groups = w.cols() / w.group();
        if (activations < needed || sums.length < groups * w.rows()) {
            throw new BadArgumentException("x", "the activations hold " + activations + " values and sums " + sums.length + " ints; the matrix needs "
                    + needed + " and " + groups * w.rows());
        }
    }

    /** Row r's groups, their sums times their scales added in ascending group order. */
    private static float row(BinaryMatrix w, int[] sums, int r) {
        int groups = w.cols() / w.group();
        float a = 0f;
        for (int g = 0; g < groups; g++) {
            a = a + (float) sums[r * groups + g] * w.scales()[r * groups + g];
        }
        return a;
    }

    /** Each output's groups, their sums times their scales added in ascending group order. */
    private static float[] accumulate(BinaryMatrix w, int[] sums, int batch) {
        int groups = w.cols() / w.group();
        int rows = w.rows();
        float[] acc = new float[batch * rows];
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                float a = 0f;
                for (int g = 0; g < groups; g++) {
                    a = a + (float) sums[(b * rows + r) * groups + g] * w.scales()[r * groups + g];
                }
                acc[b * rows + r] = a;
            }
        }
        return acc;
    }
}
