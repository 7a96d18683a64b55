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

    /** The backend's name, for messages: cuda or opencl. */
    protected abstract String backend();

    /** Makes the device usable from the calling thread; nothing by default. */
    protected void enter() {
    }

    @Override
    public GpuTimings.Seconds lastTimings() {
        return last;
    }

    @Override
    public synchronized BinaryCodeBatch packSigns(FloatEmbeddingBatch x) {
        return timed("packing sign codes", t -> host().packSigns(x, t));
    }

    @Override
    public synchronized BinaryCodeBatch packHyperplane(FloatEmbeddingBatch x, float[] projection, int bits) {
        return timed("packing hyperplane codes", t -> host().packHyperplane(x, projection, bits, t));
    }

    /**
     * Exact top-k of every query ({@link GpuHost} holds the algorithm), the database in chunks of
     * {@link #chunkRows} rows (one chunk, kept resident, when it fits).
     */
    @Override
    public final synchronized SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        return timed("searching", t -> host().search(db, queries, k, chunkRows(db, queries, k, maxChunkBytes), t));
    }

    /** Bytes a kept database may take: what the device can spare beside a search's working memory. */
    protected abstract long keepableBytes(long maxChunkBytes);

    @Override
    public synchronized Resident keep(BinaryCodeBatch db, long maxChunkBytes) {
        return timed("copying a database to the device", t -> {
            host().releaseDatabaseBuffers();
            return db.segment().byteSize() <= keepableBytes(maxChunkBytes) ? host().keep(db, t) : null;
        });
    }

    @Override
    public synchronized SearchResult search(Resident db, BinaryCodeBatch queries, int k) {
        return timed("searching", t -> host().search(db, queries, k, t));
    }

    @Override
    public synchronized void drop(Resident db) {
        onDevice("freeing a kept database", () -> {
            host().drop(db);
            return null;
        });
    }

    /** Frees the device buffers kept between operations. */
    @Override
    public synchronized void releaseBuffers() {
        onDevice("freeing its buffers", () -> {
            host().release();
            return null;
        });
    }

    /** Runs {@code operation} on the device, timed into {@link #lastTimings()}. */
    private <T> T timed(String what, Function<GpuTimings, T> operation) {
        return onDevice(what, () -> {
            timings.reset();
            T result = operation.apply(timings);
            last = timings.snapshot();
            return result;
        });
    }

    /** Runs {@code operation} with the device entered; an error of the driver's bindings becomes a {@link DeviceFailure}. */
    private <T> T onDevice(String what, java.util.function.Supplier<T> operation) {
        try {
            enter();
            return operation.get();
        } catch (RuntimeException e) {
            throw DeviceFailure.fromBindings(e) ? DeviceFailure.of(backend(), what, e) : e;
        }
    }
}
