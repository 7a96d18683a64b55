package io.binaryllm.gpu.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.gpu.GpuTimings;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.SearchResult;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * One device for the whole JVM (opened once, on first use: building a program or loading a module costs up to
 * seconds) and what its operations share: one operation at a time (the device's buffers, queues and streams are not
 * thread-safe), buffers kept between operations by role, the databases kept for indexes, the last operation's
 * timings, and the bindings' errors turned into {@link io.binaryllm.gpu.DeviceFailure}s naming the driver call. The
 * algorithms live in the jobs ({@link Packing}, {@link TopKSearch}); this class sizes, sequences and guards them.
 *
 * <p>After a failure the device's state is unknown, so the pooled buffers are freed (a kept database stays its
 * index's until the index is closed).
 */
public final class GpuRuntime<B> {
    /** Device memory a kept database leaves for searches on it: a pass's histograms and keys, and their queries. */
    static final long SEARCH_RESERVE = 2 * TopKSearch.PASS_BYTES + (64L << 20);

    private final Device<B> device;
    private final GpuClock clock = new GpuClock();
    private final DeviceBufferPool<B> pool;
    private final DeviceCalls<B> calls;
    private volatile GpuTimings last;
    private long keptBytes;

    public GpuRuntime(Device<B> device) {
        this.device = device;
        this.pool = new DeviceBufferPool<>(device::allocate, device::free);
        this.calls = new DeviceCalls<>(device, pool, clock);
    }

    /** A runtime, or the reason there is none here. */
    public record Loaded(GpuRuntime<?> runtime, String problem) {
    }

    public String backend() {
        return device.backend();
    }

    public String describe() {
        return device.describe();
    }

    public boolean isGpu() {
        return device.isGpu();
    }

    public double popcountsPerSecond() {
        return device.popcountsPerSecond();
    }

    /** How the last operation's time divided, or null before the first. */
    public GpuTimings lastTimings() {
        return last;
    }

    /** Bytes of device memory the kept databases hold. */
    public synchronized long keptBytes() {
        return keptBytes;
    }

    /** Bytes of device memory held now: the kept databases and the buffers pooled between operations. */
    public synchronized long heldBytes() {
        return keptBytes + pool.totalBytes();
    }

    /** Sign codes of finite rows, bit for bit the sign binarizer's. */
    public synchronized BinaryCodeBatch packSigns(FloatEmbeddingBatch x) {
        return timed("packing sign codes", () -> Packing.pack(calls, x, null, x.dims()));
    }

    /** Hyperplane codes of finite rows with a bits x dims projection, bit for bit the hyperplane binarizer's. */
    public synchronized BinaryCodeBatch packHyperplane(FloatEmbeddingBatch x, float[] projection, int bits) {
        return timed("packing hyperplane codes", () -> Packing.pack(calls, x, projection, bits));
    }

    /** The low-bit sums of {@code kernel} ({@link LowBitSums}). */
    public synchronized void lowBitSums(Kernel kernel, MemorySegment w, int rows, int cols, int group, int from, int to, MemorySegment x,
                                        int batch, int[] out) {
        timed("summing low-bit products", () -> {
            LowBitSums.run(calls, kernel, w, rows, cols, group, from, to, x, batch, out);
            return null;
        });
    }

    /**
     * Exact top-k, the database sent for this search: whole when it fits one buffer, else in chunks of at most
     * {@code maxChunkBytes} through two buffers (one uploads while the kernel runs on the other).
     */
    public synchronized SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        return timed("searching", () -> {
            long rowBytes = (long) db.words() * Long.BYTES;
            long chunkRows = chunkRows(db, queries, k, maxChunkBytes);
            boolean whole = chunkRows >= db.rows();
            long dbBytes = Math.max(8, Math.min(chunkRows, db.rows()) * rowBytes);
            long nextBytes = whole ? 0 : Math.max(8, chunkRows * rowBytes);
            // Chunk sizing counted the pooled database buffers as free, so when either must change, both go first.
            if (pool.bytes("database") < dbBytes || pool.bytes("database-next") < nextBytes || whole && pool.has("database-next")) {
                releaseDatabaseBuffers();
            }
            B first = calls.buffer("database", dbBytes);
            if (whole) {
                calls.send(first, db.segment());
                return TopKSearch.run(calls, DatabaseChunks.whole(db, first), queries, k);
            }
            B next = calls.buffer("database-next", nextBytes);
            return TopKSearch.run(calls, DatabaseChunks.chunked(db, chunkRows, first, next, calls), queries, k);
        });
    }

    /** Exact osq top-k: the device computes every key, the host selects ({@link OsqSearch}). */
    public synchronized SearchResult search(OsqCodes db, OsqCodes queries, int k, long maxChunkBytes) {
        return timed("searching osq codes", () -> OsqSearch.run(calls, db, queries, k, maxChunkBytes));
    }

    /**
     * {@code db} copied to the device for repeated searches, or null where it does not fit beside a search's working
     * memory (it is then searched in chunks, sent per search). The one-shot searches' database buffers go first: the
     * device's memory is better spent on a database searched many times.
     */
    public synchronized DeviceIndex<B> keep(BinaryCodeBatch db, long maxChunkBytes) {
        return timed("copying a database to the device", () -> {
            releaseDatabaseBuffers();
            if (db.segment().byteSize() > keepableBytes(maxChunkBytes)) {
                return null;
            }
            long bytes = Math.max(8, db.segment().byteSize());
            B buffer = device.allocate(bytes);
            clock.allocated();
            try {
                calls.send(buffer, db.segment());
            } catch (RuntimeException | Error e) {
                try {
                    device.free(buffer);
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            keptBytes += bytes;
            return new DeviceIndex<>(this, buffer, db, bytes);
        });
    }

    /** Exact top-k over a kept database: only the queries travel. */
    synchronized SearchResult search(DeviceIndex<B> index, BinaryCodeBatch queries, int k) {
        return timed("searching", () -> {
            if (index.dropped) {
                throw new IllegalStateException("this " + backend() + " index was closed");
            }
            return TopKSearch.run(calls, DatabaseChunks.whole(index.codes(), index.buffer), queries, k);
        });
    }

    /** Frees a kept database's device memory; a second call does nothing. */
    synchronized void drop(DeviceIndex<B> index) {
        onDevice("freeing a kept database", () -> {
            if (!index.dropped) {
                index.dropped = true;
                keptBytes -= index.bytes;
                device.free(index.buffer);
            }
            return null;
        });
    }

    /** Frees the pooled device buffers and the host memory kept for copies (allocated again when needed). */
    public synchronized void releaseBuffers() {
        onDevice("freeing its buffers", () -> {
            try {
                pool.release();
            } finally {
                device.releaseHostMemory();
            }
            return null;
        });
    }

    /**
     * Database rows per chunk of a one-shot search: at most {@code maxChunkBytes} and the device's largest allocation,
     * and where the driver says what is free, half of it (two chunks are in flight) beside the search's working memory.
     */
    private long chunkRows(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) {
        long rowBytes = (long) db.words() * Long.BYTES;
        long limit = Math.min(maxChunkBytes, device.maxAllocation());
        long free = device.freeMemory();
        if (free >= 0) {
            long bins = db.bits() + 1L;
            int pass = TopKSearch.queriesPerPass(Math.toIntExact(queries.rows()), (int) bins, k);
            long working = queries.segment().byteSize() + pass * (4L * bins + 16L + 8L * k) + (64L << 20);
            // the pooled database buffers are reused or replaced: count them as free
            long available = free + pool.bytes("database") + pool.bytes("database-next") - working;
            limit = Math.min(limit, Math.max(rowBytes, available) / 2);
        }
        return Math.max(1, Math.min(db.rows(), limit / rowBytes));
    }

    /**
     * Bytes a kept database may take: one allocation within what is free less {@link #SEARCH_RESERVE}, or, where the
     * driver cannot say what is free (OpenCL), within half the device's memory with the databases already kept.
     */
    private long keepableBytes(long maxChunkBytes) {
        long limit = Math.min(maxChunkBytes, device.maxAllocation());
        long free = device.freeMemory();
        return Math.min(limit, free >= 0 ? free - SEARCH_RESERVE : device.totalMemory() / 2 - keptBytes);
    }

    private void releaseDatabaseBuffers() {
        pool.discard("database");
        pool.discard("database-next");
    }

    /** Runs {@code operation} on the device, timed into {@link #lastTimings()}; after a failure the pool is freed. */
    private <T> T timed(String what, Supplier<T> operation) {
        return onDevice(what, () -> {
            clock.reset();
            try {
                T result = operation.get();
                last = clock.snapshot();
                return result;
            } catch (RuntimeException | Error e) {
                try {
                    pool.release();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        });
    }

    /** Runs {@code operation} with the device entered; an error of the driver's bindings becomes a DeviceFailure. */
    private <T> T onDevice(String what, Supplier<T> operation) {
        try {
            device.enter();
            return operation.get();
        } catch (RuntimeException e) {
            throw BindingErrors.fromBindings(e) ? BindingErrors.failure(device.backend(), what, e) : e;
        }
    }
}
