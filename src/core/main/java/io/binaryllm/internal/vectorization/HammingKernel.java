package io.binaryllm.internal.vectorization;

import io.binaryllm.internal.search.blocked.BlockedSearch;

/**
 * The inner loops of a blocked search, over one {@link BlockedTile}. Implementations differ only in how they
 * compute (scalar Java, the Vector API, C through Panama); {@link BlockedSearch} owns tiling, threads and merging,
 * so every kernel inherits the same exact order.
 */
public interface HammingKernel extends TileKernel {
    /** Queries the kernel scans together; {@link #topK} ranges are multiples of it (padded by the caller). */
    int queryGroup(int words);

    /**
     * Offers the distance of every valid code of the tile to each query in {@code [q0, q1)} to {@code heaps}, in
     * ascending index order. {@code queries} holds the packed query words row-major.
     */
    void topK(BlockedTile tile, long[] queries, int q0, int q1, FlatTopK heaps);

    /** The distances of query {@code q} to every valid code of the tile, into {@code out[0 .. tile.codes())}. */
    void distances(BlockedTile tile, long[] queries, int q, int[] out);
}
