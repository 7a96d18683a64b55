package io.binaryllm.search.cpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.blocked.BlockedTile;
import io.binaryllm.search.blocked.FlatTopK;
import io.binaryllm.search.blocked.HammingKernel;

/**
 * Gets the Vector API kernel compiled by C2 before the search needs it. Until C2 has compiled it, Vector API code
 * runs interpreted or in C1, where every vector is a heap object and the loop is ~100x slower; on a short CLI run
 * that costs about half a second. The JVM spends ~250 ms starting up and parsing the command line on one core
 * while the other idles, so a daemon thread drives the kernel over a tiny synthetic tile in that window, until a
 * batch of calls runs 30x faster than the first (C2 code installed) or two seconds pass. It computes nothing that
 * is used: results never depend on whether, or how far, it ran.
 */
public final class KernelWarmup {
    private static final int BATCH = 250;

    private KernelWarmup() {
    }

    /** Starts warming the kernel for codes of {@code words} words; returns at once. */
    public static void startInBackground(int words) {
        HammingKernel kernel = CpuBackend.Kernels.best();
        if (!(kernel instanceof VectorKernel)) {
            return;
        }
        Thread t = new Thread(() -> run(kernel, Math.max(1, words)), "binaryllm-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * The synthetic work must give the JIT the branch profile of a real search: if a branch is never taken while
     * C2 compiles, C2 leaves it out, and the first real block that takes it deoptimizes the method and throws the
     * compiled code away. So calls alternate between fresh heaps (every lane is a candidate) and saturated ones (no
     * lane is).
     */
    static void run(HammingKernel kernel, int words) {
        int codes = 8 * kernel.lanes();
        int nq = kernel.queryGroup(words);
        long[] w = new long[codes * words];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0x9E3779B97F4A7C15L; // a fixed pattern, not randomness: any bits exercise the same code
        }
        BlockedTile tile = new BlockedTile(kernel.lanes(), words, codes);
        tile.load(BinaryCodeBatch.ofWords(w, codes, words * 64), 0, codes);
        long[] queries = java.util.Arrays.copyOf(w, nq * words); // query q equals code q: distance 0 exists
        FlatTopK saturated = new FlatTopK(nq, 1);
        kernel.topK(tile, queries, 0, nq, saturated); // every bound is now 0: no lane can enter
        long deadline = System.nanoTime() + 2_000_000_000L;
        long first = -1;
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                kernel.topK(tile, queries, 0, nq, (i & 1) == 0 ? new FlatTopK(nq, 10) : saturated);
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
