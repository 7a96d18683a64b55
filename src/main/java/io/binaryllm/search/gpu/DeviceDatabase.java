package io.binaryllm.search.gpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.PreparedDatabase;
import io.binaryllm.search.SearchResult;

/** A database kept on a GPU backend's device ({@link GpuBackend#prepare}); closing it frees the device memory. */
final class DeviceDatabase extends PreparedDatabase.Copy {
    private final String backend;
    private final GpuRuntime runtime;
    private final GpuRuntime.Resident kept;

    DeviceDatabase(String backend, GpuRuntime runtime, GpuRuntime.Resident kept, BinaryCodeBatch codes) {
        super(backend, codes);
        this.backend = backend;
        this.runtime = runtime;
        this.kept = kept;
    }

    /** The runtime refuses a dropped database too, so a close racing a search cannot read freed memory. */
    @Override
    protected SearchResult searchCopy(BinaryCodeBatch queries, int k) {
        return runtime.search(kept, queries, k);
    }

    @Override
    public String residence() {
        return sized("on the " + backend + " device", kept.bytes());
    }

    @Override
    protected void free() {
        runtime.drop(kept);
    }
}
