package io.binaryllm.search.gpu;


import java.util.Arrays;

/**
 * The host's side of the GPU selection ({@code kernels/binaryllm_core.h}): for k above {@link #SMALL_K}, the cut
 * distance and the ties taken at it from each query's distance histogram; for every k, the sorted result from the
 * kernels' keys. For k up to {@link #SMALL_K} the one-pass kernel {@code blm_topk_small} needs no host step.
 */
public final class CountingSelection {
    /** Keys are {@code distance << 40 | index}. */
    public static final int INDEX_BITS = 40;
    public static final long MAX_ROWS = 1L << INDEX_BITS;
    public static final int MAX_BITS = (1 << 23) - 1;
    /** Largest k of the one-pass kernel {@code blm_topk_small} (BLM_KMAX) and its largest work-group. */
    public static final int SMALL_K = 32;
    public static final int SMALL_GROUP = 64;
    /**
     * Queries a work-group of blm_collect serves (BLM_COUNT_QT), and the most blm_histogram serves: each row loaded
     * counts for all of them, so a large k streams the database a quarter as often as one query a work-group.
     */
    public static final int COUNT_TILE = 4;
    /** Histogram counts a work-group keeps in local memory (BLM_LOCAL_BINS). */
    static final int LOCAL_BINS = 4100;
    /**
     * Queries per work-group of the one-pass kernel: 4 ({@code blm_topk_small}, the default) or 8
     * ({@code blm_topk_small8}: half the database traffic, twice the private state), chosen with
     * {@code -Dbinaryllm.gpu.queryTile=8}; which is faster depends on the device (the results are the same).
     */
    public static int queryTile() {
        String v = System.getProperty("binaryllm.gpu.queryTile", "4");
        return switch (v) {
            case "4" -> 4;
            case "8" -> 8;
            default -> throw new io.binaryllm.BadInputException("-Dbinaryllm.gpu.queryTile: 4 or 8, not '" + v + "'");
        };
    }

    private CountingSelection() {
    }

    /**
     * Queries a work-group of blm_histogram counts for histograms of {@code bins} counts: as many as fit together in
     * local memory (4 up to 1024-bit codes, 2 at 2048 bits), at least one (above 4099 bits it counts in global memory).
     */
    public static int histogramTile(int bins) {
        return Math.max(1, Math.min(COUNT_TILE, LOCAL_BINS / bins));
    }

    /**
     * What blm_collect needs per query: the cut distance (the k-th neighbour's), the ties taken at it, and per slice
     * of the rows the rows below and at the cut in the earlier slices ([s * queries + q]), where its slots start.
     */
    public record Cuts(int[] cut, int[] ties, int[] belowBefore, int[] atBefore) {
    }

    /**
     * From the kernels' histograms, {@code slices} x {@code queries} of {@code bins} counts ([(s * queries + q) * bins
     * + d]: slice s of the rows, query q), each query's cut and ties over all slices and each slice's starting slots.
     */
    public static Cuts cuts(int[] hist, int slices, int queries, int bins, int k) {
        int[] cut = new int[queries];
        int[] ties = new int[queries];
        int[] belowBefore = new int[slices * queries];
        int[] atBefore = new int[slices * queries];
        long[] total = new long[bins];
        for (int q = 0; q < queries; q++) {
            java.util.Arrays.fill(total, 0);
            for (int s = 0; s < slices; s++) {
                for (int d = 0; d < bins; d++) {
                    total[d] += hist[(s * queries + q) * bins + d];
                }
            }
            long below = 0;
            for (int d = 0; d < bins; d++) {
                if (below + total[d] >= k) {
                    cut[q] = d;
                    ties[q] = (int) (k - below);
                    break;
                }
                below += total[d];
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

    /**
     * Each query's k smallest keys of the {@code slices} lists the kernels wrote (keys[(s * queries + q) * k ..]: the
     * k smallest of slice s, padded with all ones), sorted (keys are unique, so the order is total) and unpacked into
     * the result arrays. The union's k smallest are the answer however the rows were sliced.
     */
    public static void unpack(long[] keys, int slices, int queries, int k, long[] indices, int[] distances, int offset) {
        long mask = (1L << INDEX_BITS) - 1;
        long[] merged = new long[slices * k];
        for (int q = 0; q < queries; q++) {
            int count = 0;
            for (int s = 0; s < slices; s++) {
                for (int j = 0; j < k; j++) {
                    long key = keys[(s * queries + q) * k + j];
                    if (key != -1L) { // the padding (all ones: negative as a long, so it would sort first)
                        merged[count++] = key;
                    }
                }
            }
            if (count < k) {
                throw new IllegalStateException("the kernels returned " + count + " keys for query " + q + ", k = " + k);
            }
            Arrays.sort(merged, 0, count); // real keys are below 2^63: signed order is their order
            for (int j = 0; j < k; j++) {
                long key = merged[j];
                indices[offset + q * k + j] = key & mask;
                distances[offset + q * k + j] = (int) (key >>> INDEX_BITS);
            }
        }
    }

    /**
     * Slices of the rows for the one-pass kernel: with {@code queries} queries a pass in tiles of {@code tile}, enough
     * for {@code groupsToFill} work-groups, but none under {@link #minSliceRows()} rows (a group's fixed cost, the
     * final sort, must stay small beside its scan). 1 when the query tiles alone fill the device.
     */
    public static int slices(int queries, int tile, long rows, int groupsToFill) {
        long tiles = (queries + tile - 1) / tile;
        long wanted = (groupsToFill + tiles - 1) / tiles;
        long most = Math.max(1, rows / minSliceRows());
        return (int) Math.max(1, Math.min(1 << 16, Math.min(wanted, most)));
    }

    /**
     * Fewest rows a slice of the one-pass kernel gets: 4096, or {@code -Dbinaryllm.gpu.minSliceRows} (tests set a few
     * rows, so small databases are sliced too).
     */
    public static long minSliceRows() {
        String v = System.getProperty("binaryllm.gpu.minSliceRows", "4096");
        try {
            long rows = Long.parseLong(v);
            if (rows >= 1) {
                return rows;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new io.binaryllm.BadInputException("-Dbinaryllm.gpu.minSliceRows: a positive row count, not '" + v + "'");
    }

}
