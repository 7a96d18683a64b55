package io.binaryllm.lowbit;

import java.util.stream.IntStream;

/**
 * Runs a product's rows in ranges over the common fork-join pool when it is large enough to pay for a task
 * handoff, on one thread under {@code -Dbinaryllm.threads=1} (as the search backends). Each output is its row's own
 * integer sum and rescale, so the result is the same bits for every split.
 */
final class RowSplit {
    /** Multiply-adds below which one thread does it all. */
    static final long SERIAL_BELOW = 1L << 17;
    private static final int THREADS = threads();
    private static final int CHUNKS = THREADS * 4;

    interface Rows {
        void run(int from, int to);
    }

    private RowSplit() {
    }

    /** {@code -Dbinaryllm.threads} where it is a positive number, else every core. */
    private static int threads() {
        Integer set = Integer.getInteger("binaryllm.threads");
        return set != null && set > 0 ? set : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Runs {@code body} over every row, in ranges on the common pool when {@code split} is allowed and pays. */
    static void run(boolean split, int rows, long work, Rows body) {
        if (!split || THREADS == 1 || work < SERIAL_BELOW || rows < 2 * CHUNKS) {
            body.run(0, rows);
            return;
        }
        int per = (rows + CHUNKS - 1) / CHUNKS;
        IntStream.range(0, CHUNKS).parallel().forEach(chunk -> {
            int from = chunk * per;
            int to = Math.min(rows, from + per);
            if (from < to) {
                body.run(from, to);
            }
        });
    }
}
