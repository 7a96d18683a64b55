/**
 * BinaryLLM on Apache Spark: exact top-k over a corpus of codes split into {@code .npy} shards, searched by executors
 * with the engine's own backends and merged by (distance, index), so the answer is one machine's, byte for byte.
 */
package io.binaryllm.spark;
