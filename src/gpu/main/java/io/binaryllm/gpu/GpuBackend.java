package io.binaryllm.gpu;

import io.binaryllm.binarize.Binarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.SearchBackend;

/**
 * A search backend on a GPU ({@code cuda}; {@code opencl} on a GPU or on a CPU device such as pocl): the shared
 * kernels of {@code kernels/}, bit for bit what the CPU backends compute. Beyond searching it packs codes on the
 * device and says where a device operation's time went. Obtain one by name ({@code SearchBackends.open("cuda")}); it
 * loads everywhere and, without a driver or device, is unavailable and says why. A device failure during an
 * operation is a {@link DeviceFailure}.
 */
public interface GpuBackend extends SearchBackend {
    /**
     * Codes of {@code x} packed on the device, bit for bit what {@code binarizer} computes on the CPU: sign and
     * scaled-sign (the same bits; scales stay a CPU job) and hyperplane (its projection is drawn on the host and
     * uploaded). NaN and infinities are refused first, as the binarizers refuse them.
     */
    BinaryCodeBatch pack(Binarizer binarizer, FloatEmbeddingBatch x);

    /** How the last device operation's time divided into copies and kernels (of any instance: the device is JVM-wide), or null before the first. */
    GpuTimings lastTimings();

    /**
     * Bytes of device memory this JVM holds on the device now (of any instance: the device is JVM-wide): the
     * databases kept for open indexes, and the buffers pooled between operations (freed when an instance closes).
     */
    long deviceBytesHeld();

    /** 32-bit popcounts per second the device can retire ({@link PopcountBound}), 0 where unknown (only CUDA reports one). */
    double popcountsPerSecond();
}
