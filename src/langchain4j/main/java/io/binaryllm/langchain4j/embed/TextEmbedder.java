package io.binaryllm.langchain4j.embed;

import java.util.List;

/**
 * A text embedding model: one float vector per text. Implementations must be deterministic for a given text (the
 * cache and the reproducibility of reports rely on it) and independent of what else is in the batch.
 */
public interface TextEmbedder extends AutoCloseable {
    /** The model's name; part of every cache key, so two models never share cached vectors. */
    String name();

    int dimensions();

    /** One vector of {@link #dimensions()} floats per text, in order. */
    float[][] embed(List<String> texts);

    /** Whether every vector has L2 norm 1 (the model normalises): a cached vector that has not is damaged. */
    default boolean unitNorm() {
        return false;
    }

    @Override
    default void close() {
    }
}
