package io.binaryllm.gpu.internal;

import io.binaryllm.gpu.DeviceFailure;

/**
 * Errors of the CUDA and OpenCL bindings, which report only an error code ({@code CUDA_ERROR_OUT_OF_MEMORY}): the
 * driver call that returned it is read off the exception's stack (the bindings' public method that checked the
 * result), so every call is covered without wrapping each one.
 */
public final class BindingErrors {
    private BindingErrors() {
    }

    /** Whether {@code e} came from the CUDA or OpenCL bindings (their exception types, by name: both are optional). */
    public static boolean fromBindings(RuntimeException e) {
        String type = e.getClass().getName();
        return type.equals("jcuda.CudaException") || type.equals("org.jocl.CLException");
    }

    /** The binding's API method on the stack ({@code cuMemAlloc}, {@code clEnqueueNDRangeKernel}), or null. */
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

    /** {@code failure}, thrown by the bindings during {@code operation} on {@code backend}, as one clear line. */
    public static DeviceFailure failure(String backend, String operation, RuntimeException failure) {
        String call = apiCall(failure);
        String error = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage().strip();
        return new DeviceFailure(backend, operation, (call == null ? "" : call + " returned ")
                + error.lines().findFirst().orElse(error), failure);
    }
}
