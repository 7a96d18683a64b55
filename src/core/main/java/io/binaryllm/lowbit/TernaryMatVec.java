package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * The ternary x int8 products, the specification every kernel reproduces: each output's sum of {@code trit * q} in
 * int32 (exact, so its order is free), then one float rescale, in this order:
 * <pre>
 *   y[b][r] = ((float) sum[b][r] / xScale[b]) * scale(r)     // two float32 operations, rounded to nearest, not fused
 * </pre>
 * where row b of {@code q} and {@code xScale[b]} are one token's {@link Int8Activations} ({@code x ~ q / xScale}). A
 * product of one token is a matrix-vector product (decoding); of a batch, a matrix-matrix product (a prompt), the
 * weights read once for the batch. The sum of a row of {@code cols} weights is at most {@code 128 * cols} in
 * magnitude: exact in int32 and in float up to 131,072 columns. The sums come from a backend's {@link LowBitKernels}
 * (this JVM's Java kernels where none is named); large products are split by rows across the common pool, which
 * changes no bit.
 */
public final class TernaryMatVec {
    /** Columns a row may have for its sum to be exact in float. */
    public static final int MAX_COLS = 1 << 17;

    private TernaryMatVec() {
    }

    /** {@code w}'s row sums against {@code q} ({@code w.cols()} int8 activations), by this JVM's Java kernels. */
    public static int[] sums(TernaryMatrix w, byte[] q) {
        return sums(LowBitKernels.java(), w, q, 1);
    }

    /**
     * The row sums of a packed matrix: TQ2_0 blocks are read as they lie (a quarter of an unpacked matrix's bytes),
     * TQ1_0 unpacked first. The same ints as {@link #sums(TernaryMatrix, byte[])} of {@link PackedTernary#unpack()}.
     */
    public static int[] sums(PackedTernary w, byte[] q) {
        return sums(LowBitKernels.java(), w, q, 1);
    }

    /** The sums of {@code batch} tokens, {@code q} (batch, cols) row-major: (batch, rows) ints, row-major. */
    public static int[] sums(LowBitKernels kernels, TernaryMatrix w, byte[] q, int batch) {
        requireActivations(w.rows(), w.cols(), q, batch);
        int[] out = new int[Math.multiplyExact(batch, w.rows())];
        RowSplit.run(kernels.splitsRows(), w.rows(), (long) w.rows() * w.cols() * batch, (from, to) -> kernels.ternarySums(w, from, to, q, batch, out));
        return out;
    }

    /** The sums of {@code batch} tokens against a packed matrix (TQ1_0 unpacked first): (batch, rows) ints. */
    public static int[] sums(LowBitKernels kernels, PackedTernary w, byte[] q, int batch) {
        if (w.format() != TernaryFormat.TQ2_0) {
            return sums(kernels, w.unpack(), q, batch);
        }
        requireActivations(w.rows(), w.cols(), q, batch);
        int[] out = new int[Math.multiplyExact(batch, w.rows())];
        RowSplit.run(kernels.splitsRows(), w.rows(), (long) w.rows() * w.cols() * batch, (from, to) -> kernels.tq2Sums(w, from, to, q, batch, out));
        return out;
    }

    /**
     * Rows {@code [from, to)} of one token's product, {@code y[yOffset + r]} as {@link #matMul} gives it: for a decoder
     * that splits a product's rows across its own threads and quantizes a token once for several products.
     *
     * @param q    (cols) the token's int8 activations, {@code xScale} their scale
     * @param sums (rows) scratch, written at rows {@code [from, to)} only: threads may share one over disjoint ranges
     */
    public static void rows(LowBitKernels kernels, TernaryMatrix w, byte[] q, float xScale, int from, int to, int[] sums, float[] y, int yOffset) {
        requireRows(w.rows(), w.cols(), q, from, to, sums);
        kernels.ternarySums(w, from, to, q, 1, sums);
        for (int r = from; r < to; r++) {
            y[yOffset + r] = ((float) sums[r] / xScale) * w.scale(r);
        }
    }

    /** {@link #rows(LowBitKernels, TernaryMatrix, byte[], float, int, int, int[], float[], int)} of a TQ2_0 matrix. */
    public static void rows(LowBitKernels kernels, PackedTernary w, byte[] q, float xScale, int from, int to, int[] sums, float[] y, int yOffset) {
        if (w.format() != TernaryFormat.TQ2_0) {
            throw new BadArgumentException("w", "row ranges read TQ2_0 blocks as they lie; unpack " + w.format() + " first");
        }
        requireRows(w.rows(), w.cols(), q, from, to, sums);
        kernels.tq2Sums(w, from, to, q, 1, sums);
        int rowBytes = w.cols() / TernaryFormat.BLOCK * w.format().blockBytes();
        for (int r = from; r < to; r++) {
            y[yOffset + r] = ((float) sums[r] / xScale) * w.format().scale(w.data(), r * rowBytes);
        }
    }

    /** Refuses a row range outside the matrix, activations of another width, or scratch shorter than its sums. */
    static void requireRows(int rows, int cols, byte[] q, int from, int to, int[] sums) {
        if (from < 0 || to > rows || from > to) {
            throw new BadArgumentException("from", "rows [" + from + ", " + to + ") of a matrix of " + rows);
        }
        if (q.length < cols || sums.length < rows) {
            throw new BadArgumentException("q", "q holds " + q.length + " activations and sums " + sums.length + " ints; the matrix needs "
                    + cols + " and " + rows);
        }
    }

    /** {@code w} times the activations {@code q / xScale}, rescaled as specified, by this JVM's Java kernels. */
    public static float[] matVec(TernaryMatrix w, byte[] q, float xScale) {
        return matMul(LowBitKernels.java(), w, q, new float[]{xScale});
    }

    /** A packed matrix times the activations {@code q / xScale}, each row rescaled by its (half-precision) scale. */
    public static float[] matVec(PackedTernary w, byte[] q, float xScale) {
        return matMul(LowBitKernels.java(), w, q, new float[]{xScale});
    }

    /** {@code w} times {@code xScales.length} tokens ({@code q} (batch, cols)): (batch, rows) floats, row-major. */
    public static float[] matMul(LowBitKernels kernels, TernaryMatrix w, byte[] q, float[] xScales) {
        int[] sums = sums(kernels, w, q, xScales.length);
        float[] scales = new float[w.rows()];
        for (int r = 0; r < scales.length; r++) {
            scales[r] = w.scale(r);
        }
        return rescale(sums, xScales, scales);
    }

    /** A packed matrix times {@code xScales.length} tokens, each row rescaled by its (half-precision) scale. */
    public static float[] matMul(LowBitKernels kernels, PackedTernary w, byte[] q, float[] xScales) {
        int[] sums = sums(kernels, w, q, xScales.length);
        int blocks = w.cols() / TernaryFormat.BLOCK;
        float[] scales = new float[w.rows()];
        for (int r = 0; r < scales.length; r++) {
            scales[r] = w.format().scale(w.data(), r * blocks * w.format().blockBytes());
        }
        return rescale(sums, xScales, scales);
    }

    private static float[] rescale(int[] sums, float[] xScales, float[] scales) {
        int rows = scales.length;
        float[] y = new float[sums.length];
        for (int b = 0; b < xScales.length; b++) {
            for (int r = 0; r < rows; r++) {
                y[b * rows + r] = ((float) sums[b * rows + r] / xScales[b]) * scales[r];
            }
        }
        return y;
    }

    /** Refuses activations that are not {@code batch} rows of {@code cols}, or rows too long for exact float sums. */
    static void requireActivations(int rows, int cols, byte[] q, int batch) {
        if (batch < 1) {
            throw new BadArgumentException("batch", "batch must be at least 1 (tokens in the product), got " + batch);
        }
        if (cols > MAX_COLS) {
            throw new BadArgumentException("w", "w: rows of at most " + MAX_COLS + " weights, got " + cols);
        }
        if (q.length != (long) batch * cols) {
            throw new BadArgumentException("q", "q: " + batch + " tokens of " + cols + " activations need " + (long) batch * cols
                    + " values, got " + q.length);
        }
    }
}
