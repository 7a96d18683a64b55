package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;
import io.binaryllm.internal.vectorization.VectorizationProvider;

/**
 * The reference ternary x int8 matrix-vector product, the specification every kernel reproduces: each row's sum of
 * {@code trit * q} in int32 (exact, so its order is free), then one float rescale a row, in this order:
 * <pre>
 *   y[r] = ((float) sum[r] / xScale) * scale(r)          // two float32 operations, rounded to nearest, not fused
 * </pre>
 * where {@code q} and {@code xScale} are {@link Int8Activations}'s ({@code x ~ q / xScale}). The sum of a row of
 * {@code cols} weights is at most {@code 128 * cols} in magnitude: exact in int32 and in float up to 131,072 columns.
 * The sums come from this JVM's kernel ({@code VectorizationProvider}: scalar Java, the specification, or the Vector
 * API); integer sums are the same whichever adds them.
 */
public final class TernaryMatVec {
    /** Columns a row may have for its sum to be exact in float. */
    public static final int MAX_COLS = 1 << 17;

    private TernaryMatVec() {
    }

    /** {@code w}'s row sums against {@code q} ({@code w.cols()} int8 activations). */
    public static int[] sums(TernaryMatrix w, byte[] q) {
        if (q.length != w.cols() || w.cols() > MAX_COLS) {
            throw new BadArgumentException("q", q.length != w.cols() ? w.cols() + " columns need as many activations, got " + q.length
                    : "rows of at most " + MAX_COLS + " weights, got " + w.cols());
        }
        int[] out = new int[w.rows()];
        VectorizationProvider.get().ternaryKernel().sums(w.trits(), w.rows(), w.cols(), q, out);
        return out;
    }

    /**
     * The row sums of a packed matrix: TQ2_0 blocks are read as they lie (a quarter of an unpacked matrix's bytes),
     * TQ1_0 unpacked first. The same ints as {@link #sums(TernaryMatrix, byte[])} of {@link PackedTernary#unpack()}.
     */
    public static int[] sums(PackedTernary w, byte[] q) {
        if (q.length != w.cols() || w.cols() > MAX_COLS) {
            throw new BadArgumentException("q", q.length != w.cols() ? w.cols() + " columns need as many activations, got " + q.length
                    : "rows of at most " + MAX_COLS + " weights, got " + w.cols());
        }
        if (w.format() != TernaryFormat.TQ2_0) {
            return sums(w.unpack(), q);
        }
        int[] out = new int[w.rows()];
        VectorizationProvider.get().ternaryKernel().sumsTq2(w.data(), w.rows(), w.cols(), q, out);
        return out;
    }

    /** A packed matrix times the activations {@code q / xScale}, each row rescaled by its (half-precision) scale. */
    public static float[] matVec(PackedTernary w, byte[] q, float xScale) {
        int[] sums = sums(w, q);
        int blocks = w.cols() / TernaryFormat.BLOCK;
        float[] y = new float[sums.length];
        for (int r = 0; r < sums.length; r++) {
            y[r] = ((float) sums[r] / xScale) * w.format().scale(w.data(), r * blocks * w.format().blockBytes());
        }
        return y;
    }

    /** {@code w} times the activations {@code q / xScale}, rescaled as specified. */
    public static float[] matVec(TernaryMatrix w, byte[] q, float xScale) {
        int[] sums = sums(w, q);
        float[] y = new float[sums.length];
        for (int r = 0; r < sums.length; r++) {
            y[r] = ((float) sums[r] / xScale) * w.scale(r);
        }
        return y;
    }
}
