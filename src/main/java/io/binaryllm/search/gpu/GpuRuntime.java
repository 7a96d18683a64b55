package io.binaryllm.search.gpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.SearchResult;

/** One device with the kernels loaded: what {@link GpuBackend} needs of an OpenCL or CUDA runtime. */
public interface GpuRuntime {
    /** The device in words: name, kind, memory, driver. */
    String describe();

    /** A GPU (or accelerator), as opposed to a CPU device such as pocl's. */
    boolean isGpu();

    /** 32-bit popcounts per second the device can retire ({@link PopcountBound}), or 0 where unknown. */
    default double popcountsPerSecond() {
        return 0;
    }

    /** How the last search's time divided into copies and kernels. */
    GpuTimings.Seconds lastTimings();

    /** Frees device buffers kept for the next search (they are allocated again when needed). */
    void releaseBuffers();

    /** Sign codes of finite rows, bit for bit the sign binarizer's. */
    BinaryCodeBatch packSigns(FloatEmbeddingBatch x);

    /** Hyperplane codes of finite rows with a bits x dims projection, bit for bit the hyperplane binarizer's. */
    BinaryCodeBatch packHyperplane(FloatEmbeddingBatch x, float[] projection, int bits);

    /** Exact top-k, the database passed in chunks of at most {@code maxChunkBytes}. */
    SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes);

    /**
     * {@code db} copied to the device for repeated searches, or null where it does not fit beside a search's working
     * memory (it is then searched in chunks, uploaded per search). Frees the one-shot searches' database buffers.
     */
    Resident keep(BinaryCodeBatch db, long maxChunkBytes);

    /** Exact top-k over a kept database: only the queries travel. */
    SearchResult search(Resident db, BinaryCodeBatch queries, int k);

    /** Frees a kept database's device memory; a second call does nothing. */
    void drop(Resident db);

    /** A database kept on the device by {@link #keep}. */
    interface Resident {
        /** Device memory it holds. */
        long bytes();
    }

    /** A runtime, or the reason there is none here. */
    record Loaded(GpuRuntime runtime, String problem) {
    }
}
