package io.binaryllm.internal.vectorization;

/** Plain Java sums, one multiply-add a weight (one popcount a word for signs): the specification of the others. */
final class ScalarLowBitKernel implements LowBitKernel {
    @Override
    public String describe() {
        return "scalar Java";
    }

    @Override
    public void ternarySums(byte[] trits, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        for (int r = from; r < to; r++) {
            int base = r * cols;
            for (int b = 0; b < batch; b++) {
                int sum = 0;
                int qb = b * cols;
                for (int c = 0; c < cols; c++) {
                    sum += trits[base + c] * q[qb + c];
                }
                out[b * rows + r] = sum;
            }
        }
    }

    /** Byte j * 32 + m of a block holds weights j * 128 + n * 32 + m (n = 0..3) as 2-bit values t + 1. */
    @Override
    public void tq2Sums(byte[] blocks, int rows, int cols, int from, int to, byte[] q, int batch, int[] out) {
        int perRow = cols / 256;
        for (int r = from; r < to; r++) {
            for (int bt = 0; bt < batch; bt++) {
                int sum = 0;
                int qb = bt * cols;
                for (int b = 0; b < perRow; b++) {
                    int at = (r * perRow + b) * 66;
                    for (int j = 0; j < 2; j++) {
                        for (int m = 0; m < 32; m++) {
                            int packed = blocks[at + j * 32 + m] & 0xff;
                            for (int n = 0; n < 4; n++) {
                                sum += (((packed >> (2 * n)) & 3) - 1) * q[qb + b * 256 + j * 128 + n * 32 + m];
                            }
                        }
                    }
                }
                out[bt * rows + r] = sum;
            }
        }
    }

    @Override
    public void binarySums(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out) {
        binarySumsScalar(words, rows, cols, group, from, to, q, batch, out);
    }

    @Override
    public void signSums(long[] words, int rows, int cols, int group, int from, int to, long[] x, int batch, int[] out) {
        signSumsScalar(words, rows, cols, group, from, to, x, batch, out);
    }

    static void binarySumsScalar(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out) {
        int rowWords = (cols + 63) >>> 6;
        int groups = cols / group;
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                int qb = b * cols;
                for (int g = 0; g < groups; g++) {
                    int sum = 0;
                    for (int c = g * group; c < (g + 1) * group; c++) {
                        long bit = words[r * rowWords + (c >>> 6)] >>> (c & 63) & 1;
                        sum += bit != 0 ? q[qb + c] : -q[qb + c];
                    }
                    out[(b * rows + r) * groups + g] = sum;
                }
            }
        }
    }

    /** A group's bits may start and end inside words: each word's share of it is masked. */
    static void signSumsScalar(long[] words, int rows, int cols, int group, int from, int to, long[] x, int batch, int[] out) {
        int rowWords = (cols + 63) >>> 6;
        int groups = cols / group;
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                for (int g = 0; g < groups; g++) {
                    int first = g * group;
                    int end = first + group;
                    int differ = 0;
                    for (int word = first >>> 6; word < (end + 63) >>> 6; word++) {
                        differ += Long.bitCount((words[r * rowWords + word] ^ x[b * rowWords + word]) & groupMask(word, first, end));
                    }
                    out[(b * rows + r) * groups + g] = group - 2 * differ;
                }
            }
        }
    }

    /** The bits of {@code word} (LSB-first) that lie in the group of columns {@code [first, end)}. */
    static long groupMask(int word, int first, int end) {
        long mask = -1L;
        if (word == first >>> 6) {
            mask &= -1L << (first & 63);
        }
        if (word == (end - 1) >>> 6 && (end & 63) != 0) {
            mask &= -1L >>> (64 - (end & 63));
        }
        return mask;
    }
}
