package io.binaryllm.gpu.internal;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.gpu.GpuBackend;
import io.binaryllm.gpu.GpuTimings;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.Availability;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

import java.util.Optional;

/**
 * A {@link GpuBackend} over its device's JVM-wide {@link GpuRuntime}, opened on first use: construction never touches
 * a driver, so the backend loads everywhere and, where the runtime is missing, explains itself. The opencl and cuda
 * backends differ only in their name, their preference and how their runtime loads.
 */
public abstract class DeviceBackend implements GpuBackend {
    private final long maxChunkBytes;
    /** Whether this instance has used the runtime: only then does it hold buffers there. */
    private volatile boolean used;

    /** @param maxChunkBytes the largest database chunk a one-shot search sends at once (tests force small ones) */
    protected DeviceBackend(long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    /** The JVM-wide runtime, loaded on the first call, or why there is none. */
    protected abstract GpuRuntime.Loaded runtime();

    @Override
    public Availability availability() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? Availability.unavailable(r.problem()) : Availability.of(r.runtime().describe());
    }

    @Override
    public GpuTimings lastTimings() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? null : r.runtime().lastTimings();
    }

    @Override
    public long deviceBytesHeld() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? 0 : r.runtime().heldBytes();
    }

    @Override
    public double popcountsPerSecond() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() == null ? 0 : r.runtime().popcountsPerSecond();
    }

    @Override
    public BinaryCodeBatch pack(Binarizer binarizer, FloatEmbeddingBatch x) {
        GpuRuntime<?> r = usable();
        x.requireFinite();
        return switch (binarizer) {
            case HyperplaneBinarizer h -> r.packHyperplane(x, h.projection(x.dims()), h.bits(x.dims()));
            default -> switch (binarizer.name()) {
                case "sign", "scaled-sign" -> r.packSigns(x);
                default -> throw new BadArgumentException("binarizer", "no GPU packing for the " + binarizer.name() + " binarizer");
            };
        };
    }

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        database.requireSearchable(queries, k);
        try {
            return switch (database) {
                case BinaryCodeBatch codes -> usable().search(withinLimits(codes), (BinaryCodeBatch) queries, k, maxChunkBytes);
                case OsqCodes codes -> usable().search(codes, (OsqCodes) queries, k, maxChunkBytes);
                default -> throw SearchBackend.unsupported(this, database);
            };
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source(), queries.source());
        }
    }

    /**
     * Hamming codes copied to the device once, FAISS's GPU index holding its vectors: each search then uploads only
     * its queries. Codes that do not fit beside a search's working memory, and other families (whose keys the device
     * computes chunk by chunk), are searched in place, as {@link #search} does.
     */
    @Override
    @SuppressWarnings("unchecked") // a BinaryCodeBatch index is an index of C when the database is a C
    public <C extends Codes> BinaryIndex<C> index(C database) {
        if (!(database instanceof BinaryCodeBatch codes)) {
            return GpuBackend.super.index(database);
        }
        BinaryIndex<BinaryCodeBatch> kept;
        try {
            kept = usable().keep(withinLimits(codes), maxChunkBytes);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source());
        }
        return kept != null ? (BinaryIndex<C>) kept : GpuBackend.super.index(database);
    }

    /** The device's low-bit kernels ({@code kernels/binaryllm_core.h}), where the runtime loads. */
    @Override
    public Optional<LowBitKernels> lowBitKernels() {
        GpuRuntime.Loaded r = runtime();
        if (r.runtime() == null) {
            return Optional.empty();
        }
        used = true;
        return Optional.of(new DeviceLowBitKernels(name(), r.runtime()));
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

    private BinaryCodeBatch withinLimits(BinaryCodeBatch database) {
        if (database.rows() >= Keys.MAX_ROWS || database.bits() > Keys.MAX_BITS) {
            throw BadInputException.in(database.source(), name() + " searches fewer than 2^40 rows of fewer than 2^23 bits; these are "
                    + database.rows() + " rows of " + database.bits() + " bits");
        }
        return database;
    }

    /** The runtime, or why there is none; from here on this instance holds buffers. */
    private GpuRuntime<?> usable() {
        GpuRuntime.Loaded r = runtime();
        if (r.runtime() == null) {
            throw new BadArgumentException("backend", name() + " is unavailable here: " + r.problem());
        }
        used = true;
        return r.runtime();
    }
}
