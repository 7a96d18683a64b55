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
        return r.runtime().search(database, queries, k, maxChunkBytes);
    }
}
