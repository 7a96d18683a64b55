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

    /** For each of {@code queries} histograms of {@code bins} counts: [0] the cut distances, [1] the ties taken. */
    public static int[][] cuts(int[] hist, int queries, int bins, int k) {
        int[] cut = new int[queries];
        int[] ties = new int[queries];
        for (int q = 0; q < queries; q++) {
            long below = 0;
            for (int d = 0; d < bins; d++) {
                int count = hist[q * bins + d];
                if (below + count >= k) {
                    cut[q] = d;
                    ties[q] = (int) (k - below);
                    break;
                }
                below += count;
            }
        }
        return new int[][]{cut, ties};
    }

    /** Sorts each query's k keys (unique, so the order is total) and unpacks them into the result arrays. */
    public static void unpack(long[] keys, int queries, int k, long[] indices, int[] distances, int offset) {
        long mask = (1L << INDEX_BITS) - 1;
        for (int q = 0; q < queries; q++) {
            Arrays.sort(keys, q * k, (q + 1) * k);
            for (int j = 0; j < k; j++) {
                long key = keys[q * k + j];
                indices[offset + q * k + j] = key & mask;
                distances[offset + q * k + j] = (int) (key >>> INDEX_BITS);
            }
        }
    }

}
