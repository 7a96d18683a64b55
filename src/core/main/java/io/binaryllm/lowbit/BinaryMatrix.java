package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;

/**
 * A binary weight matrix, {@code rows x cols}: weight (r, c) is {@code +1} where bit c of row r is 1 and {@code -1}
 * where it is 0 (the project's bit layout: LSB-first 64-bit words, {@code ceil(cols / 64)} a row, padding bits zero),
 * times the scale of its group: {@code cols / group} groups a row ({@code group} = {@code cols} for one scale a row).
 * Scales are half-precision values (1 bit a weight and 16 a group: 1.125 bits a weight in groups of 128).
 *
 * @param rows   output features
 * @param cols   input features
 * @param group  weights a scale covers: {@code cols}, or a divisor of it
 * @param words  {@code rows * ceil(cols / 64)} words
 * @param scales {@code rows * cols / group}, row-major
 */
public record BinaryMatrix(int rows, int cols, int group, long[] words, float[] scales) {
    public BinaryMatrix {
        if (rows < 1 || cols < 1 || group < 1 || cols % group != 0) {
            throw new BadArgumentException("group", "groups of " + group + " do not divide rows of " + cols + " weights");
        }
        if (words.length != (long) rows * BinaryCodeBatch.wordsFor(cols) || scales.length != (long) rows * (cols / group)) {
            throw new BadArgumentException("words", rows + " x " + cols + " weights need " + (long) rows * BinaryCodeBatch.wordsFor(cols)
                    + " words and " + (long) rows * (cols / group) + " scales, got " + words.length + " and " + scales.length);
        }
    }

    /** Words a row. */
    public int rowWords() {
        return BinaryCodeBatch.wordsFor(cols);
    }

    /** Weight (r, c): -1 or +1. */
    public int sign(int r, int c) {
        return (int) (words[r * rowWords() + (c >>> 6)] >>> (c & 63) & 1) * 2 - 1;
    }

    /** The scale of (r, c)'s group. */
    public float scale(int r, int c) {
        return scales[r * (cols / group) + c / group];
    }

    /** Bits a weight, the half-precision scales included. */
    public double bitsPerWeight() {
        return 1 + 16.0 / group;
    }

    /**
     * Binarizes {@code w} ({@code rows x cols}, row-major): bit 1 where {@code w > 0} (the {@code sign} binarizer's rule:
     * 0.0 and -0.0 give -1), and each group's scale the mean of its |w| (a double sum in index order, divided, then
     * rounded to float and to half precision, nearest even).
     */
    public static BinaryMatrix quantize(float[] w, int rows, int cols, int group) {
        if ((long) rows * cols != w.length) {
            throw new BadArgumentException("w", rows + " x " + cols + " weights need " + (long) rows * cols + " floats, got " + w.length);
        }
        int rowWords = BinaryCodeBatch.wordsFor(cols);
        long[] words = new long[rows * rowWords];
        float[] scales = new float[rows * (cols / Math.max(1, group))];
        BinaryMatrix shape = new BinaryMatrix(rows, cols, group, words, scales); // checks the group before the loops
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < cols / group; g++) {
                double sum = 0;
                for (int c = g * group; c < (g + 1) * group; c++) {
                    float v = w[r * cols + c];
                    if (!Float.isFinite(v)) {
                        throw new BadArgumentException("w", "weight " + (r * cols + c) + " is " + v);
                    }
                    sum += Math.abs(v);
                    if (v > 0f) {
                        words[r * rowWords + (c >>> 6)] |= 1L << (c & 63);
                    }
                }
                scales[r * (cols / group) + g] = Float.float16ToFloat(Float.floatToFloat16((float) (sum / group)));
            }
        }
        return shape;
    }
}
