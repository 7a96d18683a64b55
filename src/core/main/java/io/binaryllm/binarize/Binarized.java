package io.binaryllm.binarize;

import io.binaryllm.data.BinaryCodeBatch;

import java.util.Optional;

/**
 * Codes and, for binarizers that keep one, a per-row scale such that {@code scale * (2b - 1)} approximates the
 * input. Closing releases the codes' memory.
 *
 * @param codes  the packed codes
 * @param scales per-row scales (length = codes.rows()), absent for binarizers that keep none
 */
public record Binarized(BinaryCodeBatch codes, Optional<double[]> scales) implements AutoCloseable {
    @Override
    public void close() {
        codes.close();
    }
}
