/**
 * The GPU backends' API: {@link io.binaryllm.gpu.GpuBackend} (search, packing on the device, timings),
 * {@link io.binaryllm.gpu.DeviceFailure}, the packing equivalence suite and the popcount bound. The backends are
 * {@code opencl} and {@code cuda}, found by name through {@code SearchBackends}.
 */
package io.binaryllm.gpu;
