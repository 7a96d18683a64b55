package io.binaryllm.search.gpu;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.Availability;
import io.binaryllm.search.PreparedDatabase;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

/**
 * A backend over a {@link GpuRuntime} that is loaded once per JVM, on first use: construction never touches a
 * driver, so the backend loads everywhere and, where the runtime is missing, explains itself.
 */
public abstract class GpuBackend implements SearchBackend {
    private final long maxChunkBytes;
    /** Whether this instance has used the runtime (searched or packed): only then does it hold buffers for it. */
    private volatile boolean used;

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
        if (used) {
            runtime().runtime().releaseBuffers();
        }
    }

    /**
     * Codes of {@code x} packed on the device, bit for bit what {@code binarizer} computes on the CPU: sign and
     * scaled-sign (the same bits; scales stay a CPU job) and hyperplane (its projection is drawn on the host and
     * uploaded). NaN and infinities are refused first, as the binarizers refuse them.
     */
    public io.binaryllm.data.BinaryCodeBatch pack(io.binaryllm.binarize.Binarizer binarizer, io.binaryllm.data.FloatEmbeddingBatch x) {
        GpuRuntime r = usable();
        x.requireFinite();
        return switch (binarizer) {
            case io.binaryllm.binarize.HyperplaneBinarizer h -> r.packHyperplane(x, h.projection(x.dims()), h.bits(x.dims()));
            default -> switch (binarizer.name()) {
                case "sign", "scaled-sign" -> r.packSigns(x);
                default -> throw new IllegalArgumentException("no GPU packing for the " + binarizer.name() + " binarizer");
            };
        };
    }

    /** The device's popcount rate for {@link PopcountBound}, 0 where unknown (only CUDA reports one). */
    public double popcountsPerSecond() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? 0 : r.runtime().popcountsPerSecond();
    }

    @Override
    public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        requireWithinLimits(database);
        return usable().search(database, queries, k, maxChunkBytes);
    }

    /**
     * The database copied to the device once, FAISS's GPU index holding its vectors: each search then uploads only
     * its queries. A database that does not fit beside a search's working memory is searched in place, in chunks
     * (uploaded per search), as {@link #search} does.
     */
    @Override
    public PreparedDatabase prepare(BinaryCodeBatch database) {
        requireWithinLimits(database);
        GpuRuntime r = usable();
        GpuRuntime.Resident kept = r.keep(database, maxChunkBytes);
        return kept == null ? new PreparedDatabase.InPlace(this, database) : new DeviceDatabase(name(), r, kept, database);
    }

    private void requireWithinLimits(BinaryCodeBatch database) {
        if (database.rows() >= CountingSelection.MAX_ROWS || database.bits() > CountingSelection.MAX_BITS) {
            throw new BadInputException("--backend " + name() + ": supports fewer than 2^40 rows of fewer than 2^23 bits");
        }
    }

    /** The runtime, or BadInputException saying why there is none; from here on this instance holds buffers. */
    private GpuRuntime usable() {
        GpuRuntime.Loaded r = runtime();
        if (r.runtime() == null) {
            throw new BadInputException("--backend " + name() + ": unavailable here: " + r.problem());
        }
        used = true;
        return r.runtime();
    }
}
