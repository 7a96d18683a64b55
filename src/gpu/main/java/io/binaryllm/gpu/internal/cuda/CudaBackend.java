package io.binaryllm.gpu.internal.cuda;

import io.binaryllm.gpu.internal.DeviceBackend;
import io.binaryllm.gpu.internal.GpuRuntime;

/**
 * {@code cuda}: the shared GPU kernels through JCuda's driver API, from the PTX kept in the jar. Loads everywhere;
 * without an NVIDIA driver it is unavailable and says why.
 */
public final class CudaBackend extends DeviceBackend {
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
        return CudaDevice.get();
    }

    @Override
    public int autoPreference() {
        return 50;
    }
}
