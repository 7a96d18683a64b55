package io.binaryllm.kvcache.internal;

import io.binaryllm.BadArgumentException;

/**
 * A (rows, cols) float matrix rounded to the int8 grid of each row's absmax, as llama2.c's int8 export does, and kept
 * as that grid: {@code scale = absmax / 127f}, {@code code = rint(w / scale)} in -127..127 (half to even), the weight
 * {@code (float) code * scale}. An embedding table or classifier at 8 bits a weight and a float a row.
 *
 * @param codes  (rows, cols) int8 codes, -127..127
 * @param scales (rows) each row's scale, finite and at least 0
 */
public record Int8Rows(int rows, int cols, byte[] codes, float[] scales) {
    public Int8Rows {
        if (rows < 1 || cols < 1 || codes == null || scales == null || codes.length != (long) rows * cols || scales.length != rows) {
            throw new BadArgumentException("codes", "int8 rows need " + rows + " x " + cols + " codes and " + rows + " scales");
        }
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == Byte.MIN_VALUE) {
                throw new BadArgumentException("codes", "code " + i + " is -128; a row's codes are -127..127");
            }
        }
        for (int r = 0; r < rows; r++) {
            if (!(scales[r] >= 0) || scales[r] == Float.POSITIVE_INFINITY) {
                throw new BadArgumentException("scales", "row " + r + "'s scale is " + scales[r] + "; scales are finite and at least 0");
            }
        }
    }

    /** Each row of the (rows, cols) matrix {@code w} on its absmax's int8 grid. */
    public static Int8Rows of(float[] w, int rows, int cols) {
        byte[] codes = new byte[rows * cols];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[r * cols + c]));
            }
            float scale = max / 127f;
            scales[r] = scale;
            for (int c = 0; c < cols; c++) {
                codes[r * cols + c] = scale == 0 ? 0 : (byte) Math.rint(w[r * cols + c] / scale);
            }
        }
        return new Int8Rows(rows, cols, codes, scales);
    }

    /** The weights as floats, {@code (float) code * scale}, row-major. */
    public float[] dequantize() {
        float[] out = new float[codes.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = codes[r * cols + c] * scales[r];
            }
        }
        return out;
    }
}
