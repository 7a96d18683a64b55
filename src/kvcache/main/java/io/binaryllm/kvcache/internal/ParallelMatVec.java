package io.binaryllm.kvcache.internal;

import io.binaryllm.metric.Dot;

/**
 * {@link Dot#matVec} split by rows over the {@link WorkerTeam}, for matrices large enough to pay for the hand-off
 * (a layer's projections, the classifier). Each row is its own sum in {@link Dot}'s order, so the output is the same
 * bits whatever the split and thread count.
 */
public final class ParallelMatVec {
    private ParallelMatVec() {
    }

    /** {@code out[outOffset + i] = (float) dot(row i of w, x)} for the (rows, d) matrix at {@code w[wOffset]}. */
    public static void matVec(float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        matVec(WorkerTeam.shared(), w, wOffset, rows, d, x, xOffset, out, outOffset);
    }

    /** {@link #matVec(float[], int, int, int, float[], int, float[], int)} on {@code team}. */
    public static void matVec(WorkerTeam team, float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        team.run(rows, 8, (long) rows * d >= WorkerTeam.SPLIT_FROM,
                (part, from, to) -> Dot.matVec(w, wOffset + from * d, to - from, d, x, xOffset, out, outOffset + from));
    }
}
