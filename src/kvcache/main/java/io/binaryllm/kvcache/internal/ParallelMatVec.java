package io.binaryllm.kvcache.internal;

import io.binaryllm.metric.Dot;

import java.util.stream.IntStream;

/**
 * {@link Dot#matVec} split by rows over the common fork-join pool and the caller, for matrices large enough to pay
 * for it (the classifier, a large model's projections). Each row is its own sum in {@link Dot}'s order, so the
 * output is the same bits whatever the split and thread count.
 */
public final class ParallelMatVec {
    /** Multiply-adds below which one thread does it all: a task handoff costs microseconds. */
    static final long SERIAL_BELOW = 1L << 16;
    private static final int CHUNKS = Math.max(1, Runtime.getRuntime().availableProcessors()) * 4;

    private ParallelMatVec() {
    }

    /** {@code out[outOffset + i] = (float) dot(row i of w, x)} for the (rows, d) matrix at {@code w[wOffset]}. */
    public static void matVec(float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        if ((long) rows * d < SERIAL_BELOW || rows < 8 * CHUNKS) {
            Dot.matVec(w, wOffset, rows, d, x, xOffset, out, outOffset);
            return;
        }
        int per = (rows + CHUNKS - 1) / CHUNKS;
        IntStream.range(0, CHUNKS).parallel().forEach(chunk -> {
            int from = chunk * per;
            int n = Math.min(rows, from + per) - from;
            if (n > 0) {
                Dot.matVec(w, wOffset + from * d, n, d, x, xOffset, out, outOffset + from);
            }
        });
    }
}
