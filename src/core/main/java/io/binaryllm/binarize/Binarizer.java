package io.binaryllm.binarize;

import io.binaryllm.data.FloatEmbeddingBatch;

/**
 * Float embeddings to packed binary codes. Implementations are pure functions of their input and their
 * construction parameters (including any seed), so the same call gives the same bytes on every machine.
 */
public interface Binarizer {
    /** The name used in configs and on the command line, e.g. {@code sign}. */
    String name();

    /** Bits a code has for inputs of {@code dims} dimensions. */
    int bits(int dims);

    /**
     * Binarizes every row. Refuses NaN and infinities with a {@link io.binaryllm.BadInputException} naming the
     * source, row and column.
     */
    Binarized binarize(FloatEmbeddingBatch input);
}
