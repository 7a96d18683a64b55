package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.gpu.internal.GpuRuntime;
import io.binaryllm.testing.Backends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/** The OpenCL tests' shared guard: CI installs pocl, so there a missing runtime fails; elsewhere the test is skipped with the reason. */
final class OpenClTests {
    private OpenClTests() {
    }

    /** The JVM's OpenCL runtime; fails in CI, and skips elsewhere, where there is none. */
    static GpuRuntime<?> runtime() {
        GpuRuntime.Loaded loaded = OpenClDevice.get();
        if (loaded.runtime() == null) {
            assertThat(Backends.inCi()).as("CI=true installs pocl: opencl must be available, but: " + loaded.problem()).isFalse();
            abort("opencl is unavailable here: " + loaded.problem());
        }
        return loaded.runtime();
    }
}
