package io.binaryllm.gpu.internal;

import io.binaryllm.testing.SearchBackendContract;

import java.util.List;

/** The GPU backends (opencl on pocl in CI; cuda wherever a device exists) through the shared contract. */
class GpuBackendsContractTest extends SearchBackendContract {
    @Override
    protected List<String> backendNames() {
        return List.of("opencl", "cuda");
    }
}
