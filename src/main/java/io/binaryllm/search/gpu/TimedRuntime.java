package io.binaryllm.search.gpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.SearchResult;

import java.util.function.Function;

/**
 * What the OpenCL and CUDA runtimes share: one operation at a time on the device (the runtime is JVM-wide, its
 * buffers and queues are not thread-safe), each one timed into {@link #lastTimings()}. A runtime supplies its
 * {@link GpuHost}, how to size database chunks, and how a thread gets the device (CUDA: its context current).
 */
public abstract class TimedRuntime implements GpuRuntime {
    private final GpuTimings timings = new GpuTimings();
    private volatile GpuTimings.Seconds last;

    /** The host side of this runtime's device operations. */
    protected abstract GpuHost<?> host();

    /** Database rows per chunk sent to the device for this search. */
    protected abstract long chunkRows(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes);

    /** Makes the device usable from the calling thread; nothing by default. */
    protected void enter() {
    }

    @Override
    public GpuTimings.Seconds lastTimings() {
        return last;
    }

    @Override
    public synchronized BinaryCodeBatch packSigns(FloatEmbeddingBatch x) {
        return timed(t -> host().packSigns(x, t));
    }

    @Override
    public synchronized BinaryCodeBatch packHyperplane(FloatEmbeddingBatch x, float[] projection, int bits) {
        return timed(t -> host().packHyperplane(x, projection, bits, t));
    }

    /**
     * Exact top-k of every query ({@link GpuHost} holds the algorithm), the database in chunks of
     * {@link #chunkRows} rows (one chunk, kept resident, when it fits).
     */
    @Override
    public final synchronized SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        enter();
        long rows = chunkRows(db, queries, k, maxChunkBytes);
        return timed(t -> host().search(db, queries, k, rows, t));
    }

    /** Frees the device buffers kept between operations. */
    @Override
    public synchronized void releaseBuffers() {
        enter();
        host().release();
    }

    private <T> T timed(Function<GpuTimings, T> operation) {
        enter();
        timings.reset();
        T result = operation.apply(timings);
        last = timings.snapshot();
        return result;
    }
}
