package io.binaryllm.gpu.internal;

import java.lang.foreign.MemorySegment;

/**
 * What the GPU jobs see of a device: its calls, timed into the runtime's clock (uploads, kernels, downloads, bytes
 * sent), on buffers kept by role between operations ({@link DeviceBufferPool}). Guarded by the runtime's lock.
 */
final class DeviceCalls<B> {
    private final Device<B> device;
    private final DeviceBufferPool<B> pool;
    private final GpuClock clock;

    DeviceCalls(Device<B> device, DeviceBufferPool<B> pool, GpuClock clock) {
        this.device = device;
        this.pool = pool;
        this.clock = clock;
    }

    Device<B> device() {
        return device;
    }

    GpuClock clock() {
        return clock;
    }

    /** The pooled buffer of {@code role}, at least {@code bytes} long. */
    B buffer(String role, long bytes) {
        return pool.get(role, bytes, clock);
    }

    /** Copies {@code data} to the start of {@code dst}: timed, its bytes counted. */
    void send(B dst, MemorySegment data) {
        long t = System.nanoTime();
        device.upload(dst, data);
        clock.sent(data.byteSize());
        clock.upload(t);
    }

    void send(B dst, int[] values) {
        send(dst, MemorySegment.ofArray(values));
    }

    void fill(B dst, int value, long ints) {
        device.fill(dst, value, ints);
    }

    /** The first {@code count} ints of {@code src}: timed. */
    int[] readInts(B src, int count) {
        int[] out = new int[count];
        timed(() -> device.readInts(src, out));
        return out;
    }

    /** The first {@code count} longs of {@code src}: timed. */
    long[] readLongs(B src, int count) {
        long[] out = new long[count];
        timed(() -> device.readLongs(src, out));
        return out;
    }

    private void timed(Runnable download) {
        long t = System.nanoTime();
        download.run();
        clock.download(t);
    }

    /** A launch of {@code kernel} in {@code groups} work-groups of the device's size for it, arguments to follow. */
    Launch.Builder<B> kernel(Kernel kernel, int groups) {
        return Launch.of(kernel, groups, device.groupSize(kernel));
    }

    /** Runs the kernel and waits: timed. */
    void launch(Launch.Builder<B> launch) {
        long t = System.nanoTime();
        device.launch(launch.build());
        clock.kernels(t);
    }

    int groupSize(Kernel kernel) {
        return device.groupSize(kernel);
    }

    int groupsToFill() {
        return device.groupsToFill();
    }
}
