/**
 * BinaryLLM on Apache Spark: exact top-k over a corpus of codes split into {@code .npy} shards on any Hadoop file
 * system, searched by executors with the engine's own backends and merged by (distance, index), so the answer is one
 * machine's, byte for byte ({@link io.binaryllm.spark.ShardedSearch}); evaluation runs whose variants are measured on
 * executors, writing one machine's {@code metrics.json} ({@link io.binaryllm.spark.SparkSweep}); and the programs
 * {@code spark-submit} runs for {@code bin/binaryllm search|run --spark} ({@link io.binaryllm.spark.SearchApp},
 * {@link io.binaryllm.spark.RunApp}).
 */
package io.binaryllm.spark;
