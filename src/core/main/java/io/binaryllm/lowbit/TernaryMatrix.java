package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * A ternary weight matrix, {@code rows x cols}: {@code trits[r * cols + c]} in {-1, 0, +1} and a scale for the whole
 * tensor ({@code scales.length == 1}) or one a row; weight (r, c) stands for {@code trits[r * cols + c] * scale(r)}.
 *
 * @param rows   output features
 * @param cols   input features
 * @param trits  row-major, each -1, 0 or +1
 * @param scales one, or {@code rows}
 */
public record TernaryMatrix(int rows, int cols, byte[] trits, float[] scales) {
    public TernaryMatrix {
        if (rows < 1 || cols < 1 || (long) rows * cols != trits.length) {
            throw new BadArgumentException("trits", rows + " x " + cols + " weights need " + (long) rows * cols + " trits, got "
                    + trits.length);
        }
        if (scales.length != 1 && scales.length != rows) {
            throw new BadArgumentException("scales", "one scale or one a row (" + rows + "), got " + scales.length);
        }
        for (int i = 0; i < trits.length; i++) {
            if (trits[i] < -1 || trits[i] > 1) {
                throw new BadArgumentException("trits", "trit " + i + " is " + trits[i] + ", not -1, 0 or +1");
            }
        }
    }

    /** Row {@code r}'s scale. */
    public float scale(int r) {
        return scales.length == 1 ? scales[0] : scales[r];
    }
}
