package io.binaryllm.internal.vectorization;

import java.util.Arrays;

/**
 * Binary weights against int8 activations by bit planes: an int8 {@code q} is {@code sum over k < 7 of 2^k q_k - 128
 * q_7} in its two's-complement bits, so a group's sum of {@code q} where the weight bit is set is a popcount of the
 * weight word ANDed with each of the token's eight activation planes, weighted; the group's sum is twice that less
 * the group's sum of all {@code q}. Eight AND-popcounts a 64 weights instead of 64 multiply-adds; integer, so exactly
 * the plain loop's sums.
 */
final class BitPlaneSums {
    private BitPlaneSums() {
    }

    /** Plane weights: 2^k for the value bits, -128 for the sign bit. */
    private static final int[] WEIGHT = {1, 2, 4, 8, 16, 32, 64, -128};

    /**
     * {@code words (rows, rw)} against {@code q (batch, cols)}: out (batch, rows, cols / group) for rows
     * {@code [from, to)}.
     */
    static void binarySums(long[] words, int rows, int cols, int group, int from, int to, byte[] q, int batch, int[] out) {
        int rw = (cols + 63) >>> 6;
        int groups = cols / group;
        long[] planes = new long[8 * rw]; // planes[k * rw + word]: bit c of plane k is bit k of q[c]
        int[] groupSums = new int[groups];
        for (int b = 0; b < batch; b++) {
            Arrays.fill(planes, 0L);
            for (int c = 0; c < cols; c++) {
                int v = q[b * cols + c] & 0xff;
                for (int k = 0; k < 8; k++) {
                    planes[k * rw + (c >>> 6)] |= (long) ((v >>> k) & 1) << (c & 63);
                }
            }
            for (int g = 0; g < groups; g++) {
                int s = 0;
                for (int c = g * group; c < (g + 1) * group; c++) {
                    s += q[b * cols + c];
                }
                groupSums[g] = s;
            }
            for (int r = from; r < to; r++) {
                int base = r * rw;
                for (int g = 0; g < groups; g++) {
                    int first = g * group;
                    int end = first + group;
                    int positive = 0;
                    for (int word = first >>> 6; word < (end + 63) >>> 6; word++) {
                        long w = words[base + word] & ScalarLowBitKernel.groupMask(word, first, end);
                        for (int k = 0; k < 8; k++) {
                            positive += WEIGHT[k] * Long.bitCount(w & planes[k * rw + word]);
                        }
                    }
                    out[(b * rows + r) * groups + g] = 2 * positive - groupSums[g];
                }
            }
        }
    }
}
