package io.binaryllm.gpu.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Device buffers kept between operations, one per role (database, queries, keys, ...), replaced only when an
 * operation needs a bigger one: allocating device memory costs more than many small searches' kernels, and a search
 * on the same sizes allocates nothing. Not thread-safe: its runtime's lock guards it.
 */
final class DeviceBufferPool<B> {
    private final LongFunction<B> allocate;
    private final Consumer<B> free;
    private final Map<String, B> buffers = new HashMap<>();
    private final Map<String, Long> capacity = new HashMap<>();

    DeviceBufferPool(LongFunction<B> allocate, Consumer<B> free) {
        this.allocate = allocate;
        this.free = free;
    }

    /** The buffer of {@code role}, replaced by a new one of {@code bytes} (at least 8) if it is smaller. */
    B get(String role, long bytes, GpuClock clock) {
        long need = Math.max(8, bytes);
        Long have = capacity.get(role);
        if (have != null && have >= need) {
            return buffers.get(role);
        }
        discard(role);
        B b = allocate.apply(need);
        buffers.put(role, b);
        capacity.put(role, need);
        clock.allocated();
        return b;
    }

    /** Bytes the buffer of {@code role} holds, 0 if there is none. */
    long bytes(String role) {
        return capacity.getOrDefault(role, 0L);
    }

    /** Bytes every pooled buffer holds together. */
    long totalBytes() {
        long total = 0;
        for (long b : capacity.values()) {
            total += b;
        }
        return total;
    }

    boolean has(String role) {
        return capacity.containsKey(role);
    }

    /** Frees the buffer of {@code role}, if any. */
    void discard(String role) {
        if (capacity.remove(role) != null) {
            free.accept(buffers.remove(role));
        }
    }

    /** Frees every buffer: all are tried, the first failure is thrown with the others attached as suppressed. */
    void release() {
        RuntimeException failure = null;
        for (B b : buffers.values()) {
            try {
                free.accept(b);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        buffers.clear();
        capacity.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
