package io.binaryllm.gpu.internal;

import io.binaryllm.gpu.GpuTimings;

/**
 * Where the current device operation spends its time, accumulated as it goes: copies each way, kernels, buffers
 * allocated, bytes uploaded. {@link #snapshot()} turns it into the public {@link GpuTimings}. Guarded by the runtime's
 * lock, but for {@link #addUpload} and {@link #sent} from a chunked search's upload thread, which the search waits for.
 */
final class GpuClock {
    private long upload;
    private long kernels;
    private long download;
    private int allocations;
    private long uploadedBytes;
    private long start = System.nanoTime();

    synchronized void reset() {
        upload = kernels = download = 0;
        allocations = 0;
        uploadedBytes = 0;
        start = System.nanoTime();
    }

    /** Counts a device buffer allocated by this operation. */
    synchronized void allocated() {
        allocations++;
    }

    /** Counts bytes copied to the device. */
    synchronized void sent(long bytes) {
        uploadedBytes += bytes;
    }

    /** Adds the time since {@code since} (a {@link System#nanoTime} value) to the uploads; returns now. */
    synchronized long upload(long since) {
        long now = System.nanoTime();
        upload += now - since;
        return now;
    }

    /** Adds nanoseconds of uploads measured elsewhere (on the upload thread, overlapping kernels). */
    synchronized void addUpload(long nanos) {
        upload += nanos;
    }

    synchronized long kernels(long since) {
        long now = System.nanoTime();
        kernels += now - since;
        return now;
    }

    synchronized long download(long since) {
        long now = System.nanoTime();
        download += now - since;
        return now;
    }

    synchronized GpuTimings snapshot() {
        return new GpuTimings(upload / 1e9, kernels / 1e9, download / 1e9, (System.nanoTime() - start) / 1e9, allocations,
                uploadedBytes);
    }
}
