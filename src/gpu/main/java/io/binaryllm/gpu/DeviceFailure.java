package io.binaryllm.gpu;

/**
 * A GPU backend that was available failed on its device: out of memory, a driver or kernel error. The message names
 * the backend, the operation and the driver call that returned the error ("the cuda device failed while searching:
 * cuMemAlloc returned CUDA_ERROR_OUT_OF_MEMORY"): the bindings themselves report only the error code. The user's
 * remedy is that of an unavailable backend (another backend, a smaller batch), so the CLI treats it the same: exit 2,
 * one line.
 */
public final class DeviceFailure extends RuntimeException {
    private final String backend;
    private final String operation;

    /**
     * @param backend   cuda or opencl
     * @param operation what the device was doing, as "while ..." continues it: "searching"
     * @param problem   the driver call and its error
     */
    public DeviceFailure(String backend, String operation, String problem, Throwable cause) {
        super("the " + backend + " device failed while " + operation + ": " + problem, cause);
        this.backend = backend;
        this.operation = operation;
    }

    public String backend() {
        return backend;
    }

    public String operation() {
        return operation;
    }
}
