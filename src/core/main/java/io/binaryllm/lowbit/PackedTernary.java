package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * A ternary matrix in one of llama.cpp's block formats: each row's {@code cols / 256} blocks, rows one after another
 * (a GGML tensor's data). Every block of a row carries the row's scale, rounded to half precision; data whose blocks
 * of a row differ in scale (as llama.cpp's own quantizer writes them, a scale a block) is refused.
 *
 * @param format the block layout
 * @param rows   output features
 * @param cols   input features, a multiple of 256
 * @param data   {@code rows * cols / 256} blocks
 */
public record PackedTernary(TernaryFormat format, int rows, int cols, byte[] data) {
    public PackedTernary {
        if (rows < 1 || cols < 1 || cols % TernaryFormat.BLOCK != 0) {
            throw new BadArgumentException("cols", format + " packs rows of a multiple of " + TernaryFormat.BLOCK
                    + " weights, got " + rows + " x " + cols);
        }
        if (data.length != (long) rows * (cols / TernaryFormat.BLOCK) * format.blockBytes()) {
            throw new BadArgumentException("data", rows + " x " + cols + " weights in " + format + " take "
                    + (long) rows * (cols / TernaryFormat.BLOCK) * format.blockBytes() + " bytes, got " + data.length);
        }
        int blocks = cols / TernaryFormat.BLOCK;
        for (int r = 0; r < rows; r++) {
            float first = format.scale(data, r * blocks * format.blockBytes());
            for (int b = 1; b < blocks; b++) {
                float s = format.scale(data, (r * blocks + b) * format.blockBytes());
                if (Float.floatToRawIntBits(s) != Float.floatToRawIntBits(first)) {
                    throw new BadArgumentException("data", "row " + r + " block " + b + " has scale " + s + ", the row's first " + first
                            + ": a packed matrix has one scale a row (llama.cpp's quantizer writes one a block; read such a"
                            + " tensor dequantized)");
                }
            }
        }
    }

    /** {@code m} packed in {@code format}. */
    public static PackedTernary of(TernaryMatrix m, TernaryFormat format) {
        if (m.cols() % TernaryFormat.BLOCK != 0) {
            throw new BadArgumentException("cols", format + " packs rows of a multiple of " + TernaryFormat.BLOCK
                    + " weights, got " + m.cols());
        }
        int blocks = m.cols() / TernaryFormat.BLOCK;
        byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(m.rows(), blocks), format.blockBytes())];
        for (int r = 0; r < m.rows(); r++) {
            for (int b = 0; b < blocks; b++) {
                format.pack(m.trits(), r * m.cols() + b * TernaryFormat.BLOCK, m.scale(r), data,
                        (r * blocks + b) * format.blockBytes());
            }
        }
        return new PackedTernary(format, m.rows(), m.cols(), data);
    }

    /** The trits and per-row scales (each row's first block's half-precision scale). */
    public TernaryMatrix unpack() {
        int blocks = cols / TernaryFormat.BLOCK;
        byte[] trits = new byte[Math.multiplyExact(rows, cols)];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) {
                float s = format.unpack(data, (r * blocks + b) * format.blockBytes(), trits, r * cols + b * TernaryFormat.BLOCK);
                if (b == 0) {
                    scales[r] = s;
                }
            }
        }
        return new TernaryMatrix(rows, cols, trits, scales);
    }
}
