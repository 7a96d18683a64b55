package io.binaryllm.search.opencl;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.gpu.DeviceFailure;
import io.binaryllm.search.gpu.GpuHost;
import io.binaryllm.search.gpu.TimedRuntime;
import jcuda.CudaException;
import org.jocl.CL;
import org.jocl.CLException;
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
        CL.setExceptionsEnabled(true);
        org.jocl.cl_platform_id[] platforms = new org.jocl.cl_platform_id[1];
        CL.clGetPlatformIDs(1, platforms, null);
        try {
            CL.clGetDeviceIDs(platforms[0], 0, 1, new org.jocl.cl_device_id[1], null);
        } catch (CLException e) {
            return e;
        }
        throw new AssertionError("clGetDeviceIDs for device type 0 succeeded");
    }

    @Test
    void namesTheOpenClCallThatFailed() {
        if (!OpenClTests.available("device failure messages")) {
            return;
        }
        CLException e = realOpenClError();
        assertThat(e.getMessage()).startsWith("CL_").doesNotContain("\n");
        assertThat(DeviceFailure.of("opencl", "searching", e).getMessage())
                .isEqualTo("--backend opencl: the device failed while searching: clGetDeviceIDs returned " + e.getMessage());
    }

    @Test
    void namesTheCudaCallFromTheBindingsFrame() {
        CudaException e = new CudaException("CUDA_ERROR_OUT_OF_MEMORY");
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("jcuda.driver.JCudaDriver", "checkResult", "JCudaDriver.java", 1),
                new StackTraceElement("jcuda.driver.JCudaDriver", "cuMemAlloc", "JCudaDriver.java", 2),
                new StackTraceElement("io.binaryllm.search.cuda.CudaRuntime$Device", "allocate", "CudaRuntime.java", 3)});
        assertThat(DeviceFailure.fromBindings(e)).isTrue();
        assertThat(DeviceFailure.of("cuda", "searching", e).getMessage())
                .isEqualTo("--backend cuda: the device failed while searching: cuMemAlloc returned CUDA_ERROR_OUT_OF_MEMORY");
        e.setStackTrace(new StackTraceElement[0]);
        assertThat(DeviceFailure.of("cuda", "searching", e).getMessage())
                .isEqualTo("--backend cuda: the device failed while searching: CUDA_ERROR_OUT_OF_MEMORY");
        assertThat(DeviceFailure.fromBindings(new IllegalStateException("x"))).isFalse();
    }

    /** The runtime's operations turn the bindings' errors into DeviceFailure, and leave other exceptions alone. */
    @Test
    void aRuntimeReportsItsDriversErrorsAsDeviceFailures() {
        if (!OpenClTests.available("device failure messages")) {
            return;
        }
        BinaryCodeBatch db = BinaryCodeBatch.ofWords(new long[]{1, 2, 3}, 3, 64);
        assertThatThrownBy(() -> new FailingRuntime(true).search(db, db, 1, Long.MAX_VALUE))
                .isInstanceOf(DeviceFailure.class).hasCauseInstanceOf(CLException.class)
                .hasMessage("--backend test: the device failed while searching: clGetDeviceIDs returned " + realOpenClError().getMessage());
        assertThatThrownBy(() -> new FailingRuntime(false).search(db, db, 1, Long.MAX_VALUE))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("not a driver error");
    }

    /** A runtime whose first allocation fails: with a real OpenCL error, or with a plain bug. */
    private static final class FailingRuntime extends TimedRuntime {
        private final GpuHost<Object> host;

        FailingRuntime(boolean driverError) {
            host = new GpuHost<>() {
                @Override
                protected Object allocate(long bytes) {
                    if (driverError) {
                        throw realOpenClError();
                    }
                    throw new IllegalStateException("not a driver error");
                }

                @Override protected void free(Object buffer) { }
                @Override protected void upload(Object dst, MemorySegment data) { }
                @Override protected void fill(Object dst, int value, long ints) { }
                @Override protected void readInts(Object src, int[] dst) { }
                @Override protected void readLongs(Object src, long[] dst) { }
                @Override protected void histogram(Object db, long rows, int words, Object q, int q0, int m, int qt, int slices, int bits, Object hist, int groups) { }
                @Override protected void collect(Object db, long rows, long first, int words, Object q, int q0, int m, int slices, Object cut, Object ties, int k,
                                                 Object doneBelow, Object doneAt, Object keys, int groups) { }
                @Override protected void topKSmall(Object db, long rows, long first, int words, Object q, int q0, int m, int k, int slices, Object keys, int tile, int groups) { }
                @Override protected int groupsToFill() { return 1; }
                @Override protected void packSign(Object x, long rows, int dims, Object codes, int groups) { }
                @Override protected void packHyperplane(Object x, long rows, int dims, Object planes, int bits, Object codes, int groups) { }
            };
        }

        @Override protected GpuHost<?> host() { return host; }
        @Override protected long chunkRows(BinaryCodeBatch db, BinaryCodeBatch queries, int k, long maxChunkBytes) { return db.rows(); }
        @Override protected String backend() { return "test"; }
        @Override protected long keepableBytes(long maxChunkBytes) { return maxChunkBytes; }
        @Override public String describe() { return "a runtime that fails"; }
        @Override public boolean isGpu() { return false; }
    }
}
