package io.binaryllm.search.cuda;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.search.gpu.CountingSelection;

/**
 * {@code cuda}: the shared GPU kernels through JCuda's driver API, from the PTX kept in the jar. Loads everywhere;
 * without an NVIDIA driver it is unavailable and says why, and {@code search --backend cuda} exits 2 with that.
 */
public final class CudaBackend implements SearchBackend {
    private final long maxChunkBytes;

    public CudaBackend() {
        this(Long.MAX_VALUE);
    }

    /** For tests: database chunks of at most this many bytes, as one larger than device memory gets. */
    public CudaBackend(long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Availability availability() {
        CudaRuntime.Loaded r = CudaRuntime.get();
        return r.runtime() == null ? Availability.unavailable(r.problem()) : Availability.of(r.runtime().describe());
    }

    @Override
    public int autoPreference() {
        return 50;
    }

    @Override
    public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        if (database.rows() >= CountingSelection.MAX_ROWS || database.bits() > CountingSelection.MAX_BITS) {
            throw new BadInputException("--backend cuda: supports fewer than 2^40 rows of fewer than 2^23 bits");
        }
        CudaRuntime.Loaded r = CudaRuntime.get();
        if (r.runtime() == null) {
            throw new BadInputException("--backend cuda: unavailable here: " + r.problem());
        }
        return r.runtime().search(database, queries, k, maxChunkBytes);
    }
}
