package io.binaryllm.cli;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.gpu.GpuTimings;

/**
 * One measured configuration.
 *
 * @param backend        backend name
 * @param osq            for an osq search, its widths ("1x4": 1-bit documents, 4-bit queries); null for Hamming
 * @param device         what it ran on (kernel, threads)
 * @param bits           bits per code (osq: dimensions x document bits)
 * @param k              neighbours per query
 * @param n              database rows
 * @param queries        queries timed
 * @param seconds        median wall time of one search call, after a warm-up call
 * @param pairsPerSecond query-code pairs compared per second
 * @param bitsPerSecond  code bits compared per second (pairs x bits)
 * @param speedup        pairs/s over the reference backend's
 * @param checkedQueries queries whose results were compared with the reference before reporting
 * @param gpu            for GPU backends, how the last timed call divided into copies and kernels; else null
 * @param index          the same searches through the backend's {@code BinaryIndex} (GPU: kept on the device; CPU: laid
 *                       out in blocks); null for the reference and where the index searches in place
 */
record BenchRow(String backend, String osq, String device, int bits, int k, long n, int queries, double seconds,
                       double pairsPerSecond, double bitsPerSecond, double speedup, int checkedQueries,
                       GpuTimings gpu, Index index) {
    /**
     * Searches through an index.
     *
     * @param residence      where it is kept, in words
     * @param buildSeconds   building it once (the copy to the device, or the layout)
     * @param seconds        median wall time of one search call, as {@link BenchRow#seconds()}
     * @param pairsPerSecond query-code pairs per second
     * @param gpu            for GPU backends, how the last timed call divided into copies (the queries only) and kernels
     */
    record Index(String residence, double buildSeconds, double seconds, double pairsPerSecond,
                        GpuTimings gpu) {
    }
}
