/**
 * Lucene's BBQ against osq, each measured in a process of its own under one timing rule ({@code benchmarks/lucene-bbq.sh}):
 * {@link io.binaryllm.benchmarks.bbq.LuceneBbqComparison} is every process's entry point, {@link io.binaryllm.benchmarks.bbq.PassTimer}
 * the timing rule, {@link io.binaryllm.benchmarks.bbq.Workload} the shared vectors, judgments and float rescoring.
 */
package io.binaryllm.benchmarks.bbq;
