/**
 * The data types: {@link io.binaryllm.data.FloatEmbeddingBatch} and {@link io.binaryllm.data.BinaryCodeBatch}
 * (heap, off-heap or memory-mapped segments with 64-bit row counts), datasets of a corpus and its queries with ids,
 * labels and relevance judgments ({@link io.binaryllm.data.Qrels}), and seeded random codes.
 */
package io.binaryllm.data;
