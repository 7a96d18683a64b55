package io.binaryllm.gpu.internal;

import java.lang.foreign.MemorySegment;

/**
 * One device with the kernels of {@code kernels/} loaded: the driver calls the GPU jobs make, on device buffers of
 * type {@code B} ({@code cl_mem}, {@code CUdeviceptr}). Implementations ({@code OpenClDevice}, {@code CudaDevice}) only
 * translate these calls; what to allocate, copy and launch, and in which order, is written once in the jobs
 * ({@link Packing}, {@link TopKSearch}). Not thread-safe: its {@link GpuRuntime}'s lock serialises every use, except
 * {@link #upload}, which a chunked search also calls from its upload thread while a kernel runs.
 */
public interface Device<B> {
    /** The backend's name: opencl or cuda. */
    String backend();

    /** The device in words: name, kind, memory, driver. */
    String describe();

    /** A GPU (or accelerator), as opposed to a CPU device such as pocl's. */
    boolean isGpu();

    /** 32-bit popcounts per second the device can retire, or 0 where unknown. */
    double popcountsPerSecond();

    /** Work-groups that keep the whole device busy (a few per multiprocessor or compute unit). */
    int groupsToFill();

    /** Work-items per group this device runs {@code kernel} with. */
    int groupSize(Kernel kernel);

    /** Bytes of device memory in all. */
    long totalMemory();

    /** The largest single allocation the device allows. */
    long maxAllocation();

    /** Bytes of device memory free now, or -1 where the driver cannot say (OpenCL). */
    long freeMemory();

    /** Makes the device usable from the calling thread (CUDA: its context current); nothing by default. */
    default void enter() {
    }

    B allocate(long bytes);

    void free(B buffer);

    /** Copies {@code data} to the start of {@code dst} and returns when the device has it. */
    void upload(B dst, MemorySegment data);

    /** Sets the first {@code ints} 32-bit words of {@code dst} to {@code value}. */
    void fill(B dst, int value, long ints);

    void readInts(B src, int[] dst);

    void readLongs(B src, long[] dst);

    /** Runs a kernel and waits for it. */
    void launch(Launch<B> launch);

    /** Frees host memory kept for copies (CUDA's pinned stages); nothing by default. */
    default void releaseHostMemory() {
    }
}
