package io.binaryllm.internal.vectorization;

/**
 * The inner loop of an osq search over one {@link BlockedTile} of document planes: the exact integer dot product of
 * every (document, query) pair, then the {@link io.binaryllm.quantize.OsqScores} score in its specified order, offered
 * to the query's heap as its key. Implementations differ only in how they compute the integer part (scalar Java, the
 * Vector API, C); the float part is the same eight float operations everywhere.
 */
public interface OsqKernel extends TileKernel {
    /** Offers the key of every valid code of the tile to each query in {@code [q0, q1)}, in ascending index order. */
    void topK(BlockedTile tile, OsqBatch batch, int q0, int q1, FlatTopK heaps);
}
