package io.binaryllm.internal.vectorization;

/**
 * What every loop over a {@link BlockedTile} says of itself, whatever code family it scores: how it computes, and how
 * many codes a block holds (the tile layout depends on it).
 */
public interface TileKernel {
    /** What computes, for {@code devices} and bench tables, e.g. "Vector API, 512-bit". */
    String describe();

    /** Codes per block. */
    int lanes();
}
