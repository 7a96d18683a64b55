package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * The reference binary x int8 matrix-vector product: for each row and group, the int32 sum of {@code sign * q} over
 * the group, then the row's float output, in this order:
 * <pre>
 *   acc = 0f;  for g ascending: acc = acc + (float) sum[r][g] * scale[r][g];      // float32, rounded, not fused
 *   y[r] = acc / xScale
 * </pre>
 * with {@code q} and {@code xScale} from {@link Int8Activations}. A group's sum is {@code 2 * (sum of q where the bit is
 * 1) - (sum of all q)}, which a kernel may compute from bit planes and popcounts; the integers are the same.
 */
public final class BinaryMatVec {
    private BinaryMatVec() {
    }

    /** The int32 sums, {@code [rows][groups]} row-major. */
    public static int[] sums(BinaryMatrix w, byte[] q) {
        if (q.length != w.cols() || w.cols() > TernaryMatVec.MAX_COLS) {
            throw new BadArgumentException("q", q.length != w.cols() ? w.cols() + " columns need as many activations, got " + q.length
                    : "rows of at most " + TernaryMatVec.MAX_COLS + " weights, got " + w.cols());
        }
        int groups = w.cols() / w.group();
        int[] out = new int[w.rows() * groups];
        for (int r = 0; r < w.rows(); r++) {
            for (int g = 0; g < groups; g++) {
                int sum = 0;
                for (int c = g * w.group(); c < (g + 1) * w.group(); c++) {
                    sum += w.sign(r, c) * q[c];
                }
                out[r * groups + g] = sum;
            }
        }
        return out;
    }

    /** {@code w} times the activations {@code q / xScale}, as specified. */
    public static float[] matVec(BinaryMatrix w, byte[] q, float xScale) {
        int groups = w.cols() / w.group();
        int[] sums = sums(w, q);
        float[] y = new float[w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            float acc = 0f;
            for (int g = 0; g < groups; g++) {
                acc = acc + (float) sums[r * groups + g] * w.scales()[r * groups + g];
            }
            y[r] = acc / xScale;
        }
        return y;
    }
}
