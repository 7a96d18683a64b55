package io.binaryllm.kvcache.internal;

/**
 * The heap this JVM can still give, checked before a model's weights or a decoder's cache are allocated: asking for
 * more would end in an {@link OutOfMemoryError}, which a user must never see for input that is merely too large.
 */
public final class Heap {
    private Heap() {
    }

    /** Bytes the heap can still grow to hold (its limit less what is in use now). */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Megabytes, rounded up, for messages. */
    public static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
