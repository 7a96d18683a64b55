package io.binaryllm.gpu.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Driver objects created one after another while a device opens (a context, its queues or streams, a program or
 * module, kernels): when a later step fails, closing this releases the ones made so far, newest first, so a device
 * that does not open leaks nothing. {@link #keep()} hands them to the device once it is complete.
 */
public final class Resources implements AutoCloseable {
    private record Held(String name, Runnable release) {
    }

    private final Deque<Held> held = new ArrayDeque<>();
    private final List<String> released = new ArrayList<>();
    private boolean kept;

    /** Registers {@code resource}, released by {@code release} unless kept; returns it. */
    public <T> T add(String name, T resource, Consumer<T> release) {
        held.push(new Held(name, () -> release.accept(resource)));
        return resource;
    }

    /** The device is complete: closing releases nothing. */
    public void keep() {
        kept = true;
    }

    /** What closing released, in order (newest first). */
    public List<String> released() {
        return List.copyOf(released);
    }

    /** Releases everything registered unless kept: each one is tried, the first failure thrown with the rest suppressed. */
    @Override
    public void close() {
        if (kept) {
            return;
        }
        RuntimeException failure = null;
        while (!held.isEmpty()) {
            Held h = held.pop();
            try {
                h.release().run();
                released.add(h.name());
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
