/**
 * JMH benchmarks of the kernels and searches through the public API ({@code benchmarks/run-jmh.sh}).
 */
package io.binaryllm.benchmarks;
