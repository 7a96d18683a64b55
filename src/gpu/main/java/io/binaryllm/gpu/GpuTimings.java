package io.binaryllm.gpu;

/**
 * Where one GPU operation spent its time: host-to-device copies, kernels (waited for one by one), device-to-host
 * copies, and the whole call (the host's share of the selection is the rest). A database sent in chunks uploads the
 * next chunk while a kernel runs, so there the parts can add up to more than the whole.
 *
 * @param upload        seconds of host-to-device copies
 * @param kernels       seconds of kernels
 * @param download      seconds of device-to-host copies
 * @param total         seconds of the whole call
 * @param allocations   device buffers the call allocated (0 when the buffers kept from earlier calls were big enough)
 * @param uploadedBytes bytes copied to the device
 */
public record GpuTimings(double upload, double kernels, double download, double total, int allocations, long uploadedBytes) {
}
