package io.binaryllm.search.gpu;

/**
 * Where a GPU search spent its time: host-to-device copies, kernels (waited for one by one), device-to-host copies
 * and the host's share of the selection. A chunked database's uploads overlap the kernels, so there the parts can
 * add up to more than the whole call.
 */
public final class GpuTimings {
    private long upload;
    private long kernels;
    private long download;
    private int allocations;
    private long uploadedBytes;
    private long start = System.nanoTime();

    public void reset() {
        upload = kernels = download = 0;
        allocations = 0;
        uploadedBytes = 0;
        start = System.nanoTime();
    }

    /** Counts a device buffer allocated by this call (0 when the pooled buffers were big enough). */
    public void allocated() {
        allocations++;
    }

    /** Counts bytes copied to the device. */
    public void sent(long bytes) {
        uploadedBytes += bytes;
    }

    /** Adds the time since {@code since} (a System.nanoTime value) to the uploads; returns now. */
    public long upload(long since) {
        long now = System.nanoTime();
        upload += now - since;
        return now;
    }

    /** Adds nanoseconds of uploads measured elsewhere (on the upload thread, overlapping kernels). */
    public void addUpload(long nanos) {
        upload += nanos;
    }

    public long kernels(long since) {
        long now = System.nanoTime();
        kernels += now - since;
        return now;
    }

    public long download(long since) {
        long now = System.nanoTime();
        download += now - since;
        return now;
    }

    /**
     * A snapshot: seconds of uploads, kernels, downloads and the whole call, the buffers it allocated and the bytes
     * it copied to the device.
     */
    public record Seconds(double upload, double kernels, double download, double total, int allocations, long uploadedBytes) {
    }

    public Seconds snapshot() {
        return new Seconds(upload / 1e9, kernels / 1e9, download / 1e9, (System.nanoTime() - start) / 1e9, allocations,
                uploadedBytes);
    }
}
