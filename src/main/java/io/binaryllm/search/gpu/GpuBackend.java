package io.binaryllm.search.gpu;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

/**
 * A backend over a {@link GpuRuntime} that is loaded once per JVM, on first use: construction never touches a
 * driver, so the backend loads everywhere and, where the runtime is missing, explains itself.
 */
public abstract class GpuBackend implements SearchBackend {
    private final long maxChunkBytes;
    /** Whether this instance has searched: only then is the runtime loaded and holding buffers for it. */
    private volatile boolean searched;

    /** @param maxChunkBytes the largest database chunk sent to the device at once (tests force small ones) */
    protected GpuBackend(long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    /** The JVM-wide runtime, loaded on the first call. */
    protected abstract GpuRuntime.Loaded runtime();

    @Override
    public Availability availability() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? Availability.unavailable(r.problem()) : Availability.of(r.runtime().describe());
    }

    /** How the last search's time divided into copies and kernels, or null before the first. */
    public GpuTimings.Seconds lastTimings() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? null : r.runtime().lastTimings();
    }

    /**
     * Frees the device buffers the runtime keeps between searches. The runtime is shared by every instance in the
     * JVM, so another open instance merely allocates them again on its next search.
     */
    @Override
    public void close() {
        if (searched) {
            runtime().runtime().releaseBuffers();
        }
    }

    /** The device's popcount rate for {@link PopcountBound}, 0 where unknown (only CUDA reports one). */
    public double popcountsPerSecond() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? 0 : r.runtime().popcountsPerSecond();
    }

    @Override
    public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        if (database.rows() >= CountingSelection.MAX_ROWS || database.bits() > CountingSelection.MAX_BITS) {
            throw new BadInputException("--backend " + name() + ": supports fewer than 2^40 rows of fewer than 2^23 bits");
        }
        GpuRuntime.Loaded r = runtime();
        if (r.runtime() == null) {
            throw new BadInputException("--backend " + name() + ": unavailable here: " + r.problem());
        }
        searched = true;
        return r.runtime().search(database, queries, k, maxChunkBytes);
    }
}
