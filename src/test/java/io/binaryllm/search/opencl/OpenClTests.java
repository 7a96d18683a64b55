package io.binaryllm.search.opencl;

import io.binaryllm.testing.Backends;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenCL tests' shared guard: CI installs pocl, so there a missing runtime fails; elsewhere it is reported. */
final class OpenClTests {
    private OpenClTests() {
    }

    /** Whether OpenCL runs here; false (with a line on stderr) only outside CI. */
    static boolean available(String what) {
        var loaded = OpenClRuntime.get();
        if (loaded.runtime() != null) {
            return true;
        }
        assertThat(Backends.inCi()).as("CI=true installs pocl: opencl must be available, but: " + loaded.problem()).isFalse();
        System.err.println("BACKEND NOT TESTED: opencl " + what + ": " + loaded.problem());
        return false;
    }
}
