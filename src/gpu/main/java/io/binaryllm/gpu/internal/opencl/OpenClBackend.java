package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.gpu.internal.DeviceBackend;
import io.binaryllm.gpu.internal.GpuRuntime;

/**
 * {@code opencl}: the shared GPU kernels ({@code kernels/binaryllm_core.h}) through JOCL, on a GPU if the system has
 * one, else on a CPU device such as pocl.
 */
public final class OpenClBackend extends DeviceBackend {
    public OpenClBackend() {
        this(Long.MAX_VALUE);
    }

    /** For tests: database chunks of at most this many bytes, as a database larger than the device gets. */
    public OpenClBackend(long maxChunkBytes) {
        super(maxChunkBytes);
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    protected GpuRuntime.Loaded runtime() {
        return OpenClDevice.get();
    }

    /** A GPU ranks above every CPU backend; an OpenCL CPU device (pocl) below the native ones. */
    @Override
    public int autoPreference() {
        GpuRuntime.Loaded r = runtime();
        return r.runtime() != null && r.runtime().isGpu() ? 40 : 10;
    }
}
