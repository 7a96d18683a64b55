package io.binaryllm.bench;

/**
 * One measured configuration.
 *
 * @param backend        backend name
 * @param device         what it ran on (kernel, threads)
 * @param bits           bits per code
 * @param k              neighbours per query
 * @param n              database rows
 * @param queries        queries timed
 * @param seconds        median wall time of one search call, after a warm-up call
 * @param pairsPerSecond query-code pairs compared per second
 * @param bitsPerSecond  code bits compared per second (pairs x bits)
 * @param speedup        pairs/s over the reference backend's
 * @param checkedQueries queries whose results were compared with the reference before reporting
 * @param gpu            for GPU backends, how the last timed call divided into copies and kernels; else null
 */
public record BenchRow(String backend, String device, int bits, int k, long n, int queries, double seconds,
                       double pairsPerSecond, double bitsPerSecond, double speedup, int checkedQueries,
                       io.binaryllm.search.gpu.GpuTimings.Seconds gpu) {
}
