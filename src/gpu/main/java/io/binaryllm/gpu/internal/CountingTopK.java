package io.binaryllm.gpu.internal;

import java.util.Arrays;

/**
 * The counting selection for k above 32, exact for any k up to n and independent of scheduling. Pass 1
 * ({@code blm_histogram}): each query's histogram of distances, counted in local memory where it fits, a work-group
 * counting up to {@link #TILE} queries (each loaded row serving all of them). On the host ({@link #cuts}): the cut
 * distance t of the k-th neighbour and the ties taken at it. Pass 2 ({@code blm_collect}): every row below t, and the
 * first ties at t, in index order, written as keys to slots given by exclusive prefix sums. A database in one piece is
 * sliced for few queries: the slices' histograms give each slice its first slots, so slices write disjoint slots; a
 * database in chunks keeps one slice, its slots continuing across chunks in index order.
 */
final class CountingTopK<B> implements TopKSearch.Selection {
    /** Queries a work-group of blm_collect serves, and the most blm_histogram serves (BLM_COUNT_QT). */
    static final int TILE = 4;
    /** Histogram counts a work-group keeps in local memory (BLM_LOCAL_BINS). */
    static final int LOCAL_BINS = 4100;

    private final DeviceCalls<B> calls;
    private final DatabaseChunks<B> chunks;
    private final B queries;
    private final int k;
    private final int bins;
    private final int slices;
    private final int pass;
    private final B keys;
    private final B histograms;
    private final B cuts;
    private final B ties;
    private final B below;
    private final B at;

    CountingTopK(DeviceCalls<B> calls, DatabaseChunks<B> chunks, B queries, int pass, int k) {
        this.calls = calls;
        this.chunks = chunks;
        this.queries = queries;
        this.k = k;
        this.bins = chunks.codes().bits() + 1;
        this.slices = chunks.single() ? TopKSearch.rowSlices(pass, TILE, chunks.codes().rows(), calls.groupsToFill()) : 1;
        this.pass = (int) Math.max(1, Math.min(pass, TopKSearch.PASS_BYTES / (4L * bins * slices)));
        this.keys = calls.buffer("keys", 8L * k * this.pass);
        this.histograms = calls.buffer("histograms", 4L * bins * this.pass * slices);
        this.cuts = calls.buffer("cuts", 4L * this.pass);
        this.ties = calls.buffer("ties", 4L * this.pass);
        this.below = calls.buffer("below", 4L * this.pass * slices);
        this.at = calls.buffer("at", 4L * this.pass * slices);
    }

    @Override
    public int queriesPerPass() {
        return pass;
    }

    @Override
    public int keyLists() {
        return 1; // collect writes each query's k keys once, whatever the slices
    }

    @Override
    public long[] run(int q0, int m) {
        int words = chunks.codes().words();
        int bits = chunks.codes().bits();
        calls.fill(histograms, 0, (long) m * bins * slices);
        int qt = histogramTile(bins);
        int histogramGroups = Math.toIntExact((long) (m + qt - 1) / qt * slices);
        // blm_histogram(db, n, words, queries, q0, m, qt, slices, bits, hist)
        chunks.forEach((db, first, rows) -> calls.launch(calls.kernel(Kernel.HISTOGRAM, histogramGroups)
                .buffer(db).i64(rows).i32(words).buffer(queries).i32(q0).i32(m).i32(qt).i32(slices).i32(bits).buffer(histograms)));
        Cuts c = cuts(calls.readInts(histograms, Math.toIntExact((long) m * bins * slices)), slices, m, bins, k);
        calls.send(cuts, c.cut());
        calls.send(ties, c.ties());
        calls.send(below, c.belowBefore());
        calls.send(at, c.atBefore());
        int groups = Math.toIntExact((long) (m + TILE - 1) / TILE * slices);
        // blm_collect(db, n, first, words, queries, q0, m, slices, cut, ties, k, done_below, done_at, keys)
        chunks.forEach((db, first, rows) -> calls.launch(calls.kernel(Kernel.COLLECT, groups)
                .buffer(db).i64(rows).i64(first).i32(words).buffer(queries).i32(q0).i32(m).i32(slices)
                .buffer(cuts).buffer(ties).i32(k).buffer(below).buffer(at).buffer(keys)));
        return calls.readLongs(keys, m * k);
    }

    /**
     * Queries a work-group of blm_histogram counts for histograms of {@code bins} counts: as many as fit together in
     * local memory (4 up to 1024-bit codes, 2 at 2048 bits), at least one (above 4099 bits it counts in global memory).
     */
    static int histogramTile(int bins) {
        return Math.max(1, Math.min(TILE, LOCAL_BINS / bins));
    }

    /**
     * What blm_collect needs per query: the cut distance (the k-th neighbour's), the ties taken at it, and per slice
     * of the rows the rows below and at the cut in the earlier slices ([s * queries + q]), where its slots start.
     */
    record Cuts(int[] cut, int[] ties, int[] belowBefore, int[] atBefore) {
    }

    /**
     * From the kernels' histograms, {@code slices} x {@code queries} of {@code bins} counts ([(s * queries + q) * bins
     * + d]: slice s of the rows, query q), each query's cut and ties over all slices and each slice's starting slots.
     */
    static Cuts cuts(int[] hist, int slices, int queries, int bins, int k) {
        int[] cut = new int[queries];
        int[] ties = new int[queries];
        int[] belowBefore = new int[slices * queries];
        int[] atBefore = new int[slices * queries];
        long[] total = new long[bins];
        for (int q = 0; q < queries; q++) {
            Arrays.fill(total, 0);
            for (int s = 0; s < slices; s++) {
                for (int d = 0; d < bins; d++) {
                    total[d] += hist[(s * queries + q) * bins + d];
                }
            }
            long before = 0;
            for (int d = 0; d < bins; d++) {
                if (before + total[d] >= k) {
                    cut[q] = d;
                    ties[q] = (int) (k - before);
                    break;
                }
                before += total[d];
            }
            int sb = 0;
            int sa = 0;
            for (int s = 0; s < slices; s++) {
                belowBefore[s * queries + q] = sb;
                atBefore[s * queries + q] = sa;
                for (int d = 0; d < cut[q]; d++) {
                    sb += hist[(s * queries + q) * bins + d];
                }
                sa += hist[(s * queries + q) * bins + cut[q]];
            }
        }
        return new Cuts(cut, ties, belowBefore, atBefore);
    }
}
