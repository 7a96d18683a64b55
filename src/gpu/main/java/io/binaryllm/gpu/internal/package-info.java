/**
 * The GPU host, written once for OpenCL and CUDA: {@link io.binaryllm.gpu.internal.Device} (the driver calls),
 * {@link io.binaryllm.gpu.internal.Launch} records, the jobs ({@link io.binaryllm.gpu.internal.Packing},
 * {@link io.binaryllm.gpu.internal.TopKSearch} with the one-pass and counting selections,
 * {@link io.binaryllm.gpu.internal.OsqSearch}: osq keys on the device, selected on the host; {@code LowBitSums}, the
 * low-bit layers' integer sums behind {@code DeviceLowBitKernels}), the JVM-wide
 * {@link io.binaryllm.gpu.internal.GpuRuntime}, kept databases and the buffer pool.
 */
package io.binaryllm.gpu.internal;
