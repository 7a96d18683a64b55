/**
 * {@link io.binaryllm.langchain4j.BinaryEmbeddingStore}: a langchain4j {@code EmbeddingStore} that keeps binary
 * codes, searches them exactly on the engine's backend and re-ranks by exact cosine.
 */
package io.binaryllm.langchain4j;
