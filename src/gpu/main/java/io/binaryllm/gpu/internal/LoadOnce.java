package io.binaryllm.gpu.internal;

import java.util.function.Supplier;

/** A value computed on first use, once per JVM, from any thread: how the GPU runtimes load their driver. */
public final class LoadOnce<T> {
    private final Supplier<T> loader;
    private volatile T value;

    public LoadOnce(Supplier<T> loader) {
        this.loader = loader;
    }

    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                if (value == null) {
                    value = loader.get();
                }
                v = value;
            }
        }
        return v;
    }
}
