package io.binaryllm.search.gpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.PreparedDatabase;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

import java.util.concurrent.atomic.AtomicBoolean;

/** A database kept on a GPU backend's device ({@link GpuBackend#prepare}); closing it frees the device memory. */
final class DeviceDatabase implements PreparedDatabase {
    private final SearchBackend backend;
    private final GpuRuntime runtime;
    private final GpuRuntime.Resident kept;
    private final BinaryCodeBatch codes;
    private final AtomicBoolean closed = new AtomicBoolean();

    DeviceDatabase(SearchBackend backend, GpuRuntime runtime, GpuRuntime.Resident kept, BinaryCodeBatch codes) {
        this.backend = backend;
        this.runtime = runtime;
        this.kept = kept;
        this.codes = codes;
    }

    @Override
    public BinaryCodeBatch codes() {
        return codes;
    }

    @Override
    public SearchResult search(BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(codes, queries, k);
        if (closed.get()) {
            throw new IllegalStateException("this " + backend.name() + " database was closed");
        }
        return runtime.search(kept, queries, k);
    }

    @Override
    public String residence() {
        return String.format(java.util.Locale.ROOT, "on the %s device: %.1f MiB", backend.name(), kept.bytes() / 1048576.0);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            runtime.drop(kept);
        }
    }
}
