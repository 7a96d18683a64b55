package io.binaryllm.internal.vectorization;

/** Plain Java row sums, one multiply-add a weight. */
final class ScalarTernaryKernel implements TernaryKernel {
    @Override
    public String describe() {
        return "scalar Java";
    }

    @Override
    public void sums(byte[] trits, int rows, int cols, byte[] q, int[] out) {
        for (int r = 0; r < rows; r++) {
            int sum = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                sum += trits[base + c] * q[c];
            }
            out[r] = sum;
        }
    }

    /** Byte j * 32 + m of a block holds weights j * 128 + n * 32 + m (n = 0..3) as 2-bit values t + 1. */
    @Override
    public void sumsTq2(byte[] blocks, int rows, int cols, byte[] q, int[] out) {
        int perRow = cols / 256;
        for (int r = 0; r < rows; r++) {
            int sum = 0;
            for (int b = 0; b < perRow; b++) {
                int at = (r * perRow + b) * 66;
                for (int j = 0; j < 2; j++) {
                    for (int m = 0; m < 32; m++) {
                        int packed = blocks[at + j * 32 + m] & 0xff;
                        for (int n = 0; n < 4; n++) {
                            sum += (((packed >> (2 * n)) & 3) - 1) * q[b * 256 + j * 128 + n * 32 + m];
                        }
                    }
                }
            }
            out[r] = sum;
        }
    }
}
