package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.gpu.DeviceFailure;
import io.binaryllm.gpu.internal.BindingErrors;
import io.binaryllm.gpu.internal.Device;
import io.binaryllm.gpu.internal.GpuRuntime;
import io.binaryllm.gpu.internal.Kernel;
import io.binaryllm.gpu.internal.Launch;
import jcuda.CudaException;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A driver error during a device operation becomes one line naming the backend, the operation and the API call
 * that returned the error (JCuda and JOCL themselves say only "CL_INVALID_VALUE"). The OpenCL errors here are real
 * ones from the loaded library; CUDA's can only be imitated without a driver.
 */
class DeviceFailureTest {
    /** A real CLException: clGetDeviceIDs for a device type of 0 (pocl: CL_DEVICE_NOT_FOUND; the spec: CL_INVALID_DEVICE_TYPE). */
    private static CLException realOpenClError() {
        OpenClTests.runtime();
        CL.setExceptionsEnabled(true);
        cl_platform_id[] platforms = new cl_platform_id[1];
        CL.clGetPlatformIDs(1, platforms, null);
        try {
            CL.clGetDeviceIDs(platforms[0], 0, 1, new cl_device_id[1], null);
        } catch (CLException e) {
            return e;
        }
        throw new AssertionError("clGetDeviceIDs for device type 0 succeeded");
    }

    @Test
    void namesTheOpenClCallThatFailed() {
        CLException e = realOpenClError();
        assertThat(e.getMessage()).startsWith("CL_").doesNotContain("\n");
        DeviceFailure f = BindingErrors.failure("opencl", "searching", e);
        assertThat(f.getMessage()).isEqualTo("the opencl device failed while searching: clGetDeviceIDs returned " + e.getMessage());
        assertThat(f.backend()).isEqualTo("opencl");
        assertThat(f.operation()).isEqualTo("searching");
    }

    @Test
    void namesTheCudaCallFromTheBindingsFrame() {
        CudaException e = new CudaException("CUDA_ERROR_OUT_OF_MEMORY");
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("jcuda.driver.JCudaDriver", "checkResult", "JCudaDriver.java", 1),
                new StackTraceElement("jcuda.driver.JCudaDriver", "cuMemAlloc", "JCudaDriver.java", 2),
                new StackTraceElement("io.binaryllm.gpu.internal.cuda.CudaDevice", "allocate", "CudaDevice.java", 3)});
        assertThat(BindingErrors.fromBindings(e)).isTrue();
        assertThat(BindingErrors.failure("cuda", "searching", e).getMessage())
                .isEqualTo("the cuda device failed while searching: cuMemAlloc returned CUDA_ERROR_OUT_OF_MEMORY");
        e.setStackTrace(new StackTraceElement[0]);
        assertThat(BindingErrors.failure("cuda", "searching", e).getMessage())
                .isEqualTo("the cuda device failed while searching: CUDA_ERROR_OUT_OF_MEMORY");
        assertThat(BindingErrors.fromBindings(new IllegalStateException("x"))).isFalse();
    }

    /** The runtime's operations turn the bindings' errors into DeviceFailure, and leave other exceptions alone. */
    @Test
    void aRuntimeReportsItsDriversErrorsAsDeviceFailures() {
        CLException driverError = realOpenClError();
        BinaryCodeBatch db = BinaryCodeBatch.ofWords(new long[]{1, 2, 3}, 3, 64);
        assertThatThrownBy(() -> new GpuRuntime<>(new FailingDevice(driverError)).search(db, db, 1, Long.MAX_VALUE))
                .isInstanceOf(DeviceFailure.class).hasCauseInstanceOf(CLException.class)
                .hasMessage("the test device failed while searching: clGetDeviceIDs returned " + driverError.getMessage());
        assertThatThrownBy(() -> new GpuRuntime<>(new FailingDevice(new IllegalStateException("not a driver error"))).search(db, db, 1, Long.MAX_VALUE))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("not a driver error");
    }

    /** A device whose first allocation fails with the given error. */
    private record FailingDevice(RuntimeException error) implements Device<Object> {
        @Override public String backend() { return "test"; }
        @Override public String describe() { return "a device that fails"; }
        @Override public boolean isGpu() { return false; }
        @Override public double popcountsPerSecond() { return 0; }
        @Override public int groupsToFill() { return 1; }
        @Override public int groupSize(Kernel kernel) { return 1; }
        @Override public long totalMemory() { return 1 << 20; }
        @Override public long maxAllocation() { return 1 << 20; }
        @Override public long freeMemory() { return -1; }
        @Override public Object allocate(long bytes) { throw error; }
        @Override public void free(Object buffer) { }
        @Override public void upload(Object dst, MemorySegment data) { }
        @Override public void fill(Object dst, int value, long ints) { }
        @Override public void readInts(Object src, int[] dst) { }
        @Override public void readLongs(Object src, long[] dst) { }
        @Override public void launch(Launch<Object> launch) { }
    }
}
