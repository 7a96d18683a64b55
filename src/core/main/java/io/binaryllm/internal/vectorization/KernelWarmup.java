package io.binaryllm.internal.vectorization;

import io.binaryllm.data.BinaryCodeBatch;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Gets the Vector API kernel compiled by C2 before the search needs it. Until C2 has compiled it, Vector API code
 * runs interpreted or in C1, where every vector is a heap object and the loop is ~100x slower; on a short CLI run
 * that costs about half a second. The JVM spends ~150 ms starting up and parsing the command line on one core
 * while the other idles, so a daemon thread drives the kernel over a tiny synthetic tile in that window, until a
 * batch of calls runs 30x faster than the first (compiled code installed: C1's already, C2's soon after, since
 * the profile is complete) or three seconds pass. It computes nothing that
 * is used: results never depend on whether, or how far, it ran.
 */
public final class KernelWarmup {
    private static final int BATCH = 250;
    /** Counted down when the warm-up ends; null while none was started (library use: nothing to wait for). */
    private static volatile CountDownLatch running;

    private KernelWarmup() {
    }

    /** Starts warming the kernel for codes of {@code words} words; returns at once. */
    public static void startInBackground(int words) {
        startInBackground(words, null);
    }

    /**
     * Starts warming the kernel for codes of {@code words} words if {@code wanted} (null: always), asked on the warm-up
     * thread (it may take a while: probing devices), says so; returns at once.
     */
    public static void startInBackground(int words, BooleanSupplier wanted) {
        VectorizationProvider provider = VectorizationProvider.get();
        if (provider.javaLevel() != VectorizationProvider.Level.VECTOR) {
            return; // the scalar kernel compiles quickly and is slow either way
        }
        HammingKernel kernel = provider.hammingKernel();
        CountDownLatch done = new CountDownLatch(1);
        running = done;
        Thread t = new Thread(() -> {
            try {
                if (wanted == null || wanted.getAsBoolean()) {
                    run(kernel, Math.max(1, words));
                }
            } finally {
                done.countDown();
            }
        }, "binaryllm-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Waits (at most {@code maxMillis}) for a warm-up in progress to finish. Searching meanwhile would run the
     * kernel ~100x slower and take CPU from the compiler thread that is about to make it fast; on a 2-core machine
     * that delays the compiled code by more than the little work it gets done.
     */
    public static void awaitCompiled(long maxMillis) {
        CountDownLatch done = running;
        if (done != null) {
            try {
                done.await(maxMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The synthetic work must give the JIT the branch profile of a real search: if a branch is never taken while
     * C2 compiles, C2 leaves it out, and the first real block that takes it deoptimizes the method and throws the
     * compiled code away. So calls cycle through heaps where every query's lanes are candidates, where no lane is
     * (a bound of 0), and where alternate queries are: the per-query branches inside a block with candidates must
     * go both ways too.
     */
    static void run(HammingKernel kernel, int words) {
        // Two blocks: loops this short give C2 no reason to compile on-stack-replacement variants first; longer ones
        // queue OSR compilations ahead of the normal one on the single C2 thread, and the compiled kernel comes later.
        int codes = 2 * kernel.lanes();
        int nq = kernel.queryGroup(words);
        long[] w = new long[codes * words];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0x9E3779B97F4A7C15L; // a fixed pattern, not randomness: any bits exercise the same code
        }
        BlockedTile tile = new BlockedTile(kernel.lanes(), words, codes);
        tile.load(BinaryCodeBatch.ofWords(w, codes, words * 64), 0, codes);
        long[] queries = Arrays.copyOf(w, nq * words);
        long deadline = System.nanoTime() + 3_000_000_000L;
        long first = -1;
        int call = 0;
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            for (int i = 0; i < BATCH; i++, call++) {
                FlatTopK heaps = new FlatTopK(nq, 10);
                int pattern = call % 4; // 0, 1: fresh; 2: alternate queries closed; 3: all closed
                for (int q = 0; q < nq; q++) {
                    if (pattern == 3 || (pattern == 2 && (q + call / 4) % 2 == 0)) {
                        heaps.worst()[q] = 0; // no distance is below 0: the query takes no candidate
                    }
                }
                kernel.topK(tile, queries, 0, nq, heaps);
            }
            long elapsed = System.nanoTime() - start;
            if (first < 0) {
                first = elapsed;
            } else if (elapsed * 30 < first) {
                return;
            }
        }
    }
}
