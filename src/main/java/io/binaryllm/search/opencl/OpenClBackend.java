package io.binaryllm.search.opencl;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.search.gpu.CountingSelection;

/**
 * {@code opencl}: the shared GPU kernels ({@code kernels/binaryllm_core.h}) through JOCL, on a GPU if the system has
 * one, else on a CPU device such as pocl. The program is built once per JVM ({@link OpenClRuntime}); buffers are
 * created per search and released at its end.
 */
public final class OpenClBackend implements SearchBackend {
    private final long maxChunkBytes;

    public OpenClBackend() {
        this(Long.MAX_VALUE);
    }

    /** For tests: pass the database to the device in chunks of at most this many bytes, as a huge one would be. */
    public OpenClBackend(long maxChunkBytes) {
        this.maxChunkBytes = maxChunkBytes;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public Availability availability() {
        OpenClRuntime.Loaded r = OpenClRuntime.get();
        return r.runtime() == null ? Availability.unavailable(r.problem()) : Availability.of(r.runtime().describe());
    }

    /** A GPU ranks above every CPU backend; an OpenCL CPU device (pocl) below the native ones. */
    @Override
    public int autoPreference() {
        OpenClRuntime.Loaded r = OpenClRuntime.get();
        return r.runtime() != null && r.runtime().isGpu() ? 40 : 10;
    }

    @Override
    public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        if (database.rows() >= CountingSelection.MAX_ROWS || database.bits() > CountingSelection.MAX_BITS) {
            throw new BadInputException("--backend opencl: supports fewer than 2^40 rows of fewer than 2^23 bits");
        }
        OpenClRuntime.Loaded r = OpenClRuntime.get();
        if (r.runtime() == null) {
            throw new BadInputException("--backend opencl: unavailable here: " + r.problem());
        }
        return r.runtime().search(database, queries, k, maxChunkBytes);
    }
}
