package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * BitNet b1.58's absmean ternary quantizer, specified to the bit: for a group of weights (the whole tensor, or a row),
 * <pre>
 *   scale = max((float) (sum |w_i| in double, i ascending) / n), 1e-5f)      // the mean, in double, then float
 *   trit  = clamp(rint(w_i / scale), -1, +1)                                 // float division, round half to even
 * </pre>
 * Round half to even is PyTorch's {@code round}, so a BitNet layer trained there quantizes to the same trits. The
 * mean of magnitudes makes the scale robust to outliers: most weights fall to 0 or +-1 around it.
 */
public final class TernaryQuantizer {
    /** The smallest scale: an all-zero group keeps a finite, nonzero one. */
    public static final float MIN_SCALE = 1e-5f;

    private TernaryQuantizer() {
    }

    /** {@code w} ({@code rows x cols}, row-major) with one scale for the whole tensor. */
    public static TernaryMatrix perTensor(float[] w, int rows, int cols) {
        requireShape(w, rows, cols);
        float scale = absmean(w, 0, w.length);
        return new TernaryMatrix(rows, cols, trits(w, rows, cols, new float[]{scale}), new float[]{scale});
    }

    /** {@code w} ({@code rows x cols}, row-major) with a scale a row. */
    public static TernaryMatrix perRow(float[] w, int rows, int cols) {
        requireShape(w, rows, cols);
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = absmean(w, r * cols, cols);
        }
        return new TernaryMatrix(rows, cols, trits(w, rows, cols, scales), scales);
    }

    /** The scale of {@code n} weights from {@code offset}. */
    public static float absmean(float[] w, int offset, int n) {
        double sum = 0;
        for (int i = offset; i < offset + n; i++) {
            sum += Math.abs(w[i]);
        }
        return Math.max((float) (sum / n), MIN_SCALE);
    }

    /** One weight's trit at {@code scale}. */
    public static byte trit(float w, float scale) {
        return (byte) Math.max(-1, Math.min(1, Math.rint(w / scale)));
    }

    private static byte[] trits(float[] w, int rows, int cols, float[] scales) {
        byte[] out = new byte[w.length];
        for (int r = 0; r < rows; r++) {
            float scale = scales.length == 1 ? scales[0] : scales[r];
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = trit(w[r * cols + c], scale);
            }
        }
        return out;
    }

    private static void requireShape(float[] w, int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols != w.length) {
            throw new BadArgumentException("w", rows + " x " + cols + " weights need " + (long) rows * cols + " floats, got " + w.length);
        }
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new BadArgumentException("w", "weight " + i + " is " + w[i]);
            }
        }
    }
}
