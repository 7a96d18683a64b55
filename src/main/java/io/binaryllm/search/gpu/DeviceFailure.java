package io.binaryllm.search.gpu;

/**
 * A GPU backend that was available failed on its device: out of memory, a driver or kernel error. JCuda and JOCL
 * report only an error code ({@code CUDA_ERROR_OUT_OF_MEMORY}); this names the backend, the operation and the API
 * call that returned it, read off the exception's stack (the bindings' public method that checked the result), so
 * every call is covered without wrapping each one. The CLI prints the message as one line and exits 2, as for a
 * backend that is unavailable: the user's remedy is the same (another backend, a smaller batch).
 */
public final class DeviceFailure extends RuntimeException {
    private DeviceFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code failure} (thrown by JCuda or JOCL during {@code operation} on {@code backend}) as one clear line. */
    public static DeviceFailure of(String backend, String operation, RuntimeException failure) {
        String call = apiCall(failure);
        String error = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage().strip();
        return new DeviceFailure("--backend " + backend + ": the device failed while " + operation + ": "
                + (call == null ? "" : call + " returned ") + error.lines().findFirst().orElse(error), failure);
    }

    /** Whether {@code e} came from the CUDA or OpenCL bindings (their exception types, by name: both are optional). */
    public static boolean fromBindings(RuntimeException e) {
        String type = e.getClass().getName();
        return type.equals("jcuda.CudaException") || type.equals("org.jocl.CLException");
    }

    /** The binding's API method on the stack (cuMemAlloc, clEnqueueNDRangeKernel), or null. */
    public static String apiCall(Throwable e) {
        for (StackTraceElement f : e.getStackTrace()) {
            String m = f.getMethodName();
            boolean binding = f.getClassName().equals("jcuda.driver.JCudaDriver") && m.startsWith("cu")
                    || f.getClassName().equals("org.jocl.CL") && m.startsWith("cl");
            if (binding && !m.endsWith("Native")) {
                return m;
            }
        }
        return null;
    }
}
