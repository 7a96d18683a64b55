/**
 * The data types: {@link io.binaryllm.data.FloatEmbeddingBatch} and {@link io.binaryllm.data.BinaryCodeBatch}
 * (heap, off-heap or memory-mapped segments with 64-bit row counts), datasets of a corpus and its queries with ids,
 * labels and relevance judgments ({@link io.binaryllm.data.Qrels}), seeded random codes, and the memory check every
 * allocation sized by a file or an option passes first ({@link io.binaryllm.data.MemoryBudget}).
 */
package io.binaryllm.data;
