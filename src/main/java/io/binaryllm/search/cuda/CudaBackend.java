package io.binaryllm.search.cuda;

import io.binaryllm.search.gpu.GpuBackend;
import io.binaryllm.search.gpu.GpuRuntime;

/**
 * {@code cuda}: the shared GPU kernels through JCuda's driver API, from the PTX kept in the jar. Loads everywhere;
 * without an NVIDIA driver it is unavailable and says why, and {@code search --backend cuda} exits 2 with that.
 */
public final class CudaBackend extends GpuBackend {
    public CudaBackend() {
        this(Long.MAX_VALUE);
    }

    /** For tests: database chunks of at most this many bytes, as a database larger than the device gets. */
    public CudaBackend(long maxChunkBytes) {
        super(maxChunkBytes);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    protected GpuRuntime.Loaded runtime() {
        return CudaRuntime.get();
    }

    @Override
    public int autoPreference() {
        return 50;
    }
}
