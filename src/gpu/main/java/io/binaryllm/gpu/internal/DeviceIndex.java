package io.binaryllm.gpu.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.AbstractBinaryIndex;
import io.binaryllm.search.SearchResult;

/**
 * An index whose codes live on the device, in a buffer of their own outside the runtime's pool (FAISS
 * {@code GpuIndexBinaryFlat}'s role): a search uploads only its queries. Closing it frees the device memory.
 */
final class DeviceIndex<B> extends AbstractBinaryIndex<BinaryCodeBatch> {
    private final GpuRuntime<B> runtime;
    final B buffer;
    final long bytes;
    /** Set when the buffer is freed; read and written under the runtime's lock, so a close racing a search cannot free what it reads. */
    boolean dropped;

    DeviceIndex(GpuRuntime<B> runtime, B buffer, BinaryCodeBatch codes, long bytes) {
        super(runtime.backend(), codes);
        this.runtime = runtime;
        this.buffer = buffer;
        this.bytes = bytes;
    }

    @Override
    protected SearchResult searchCopy(BinaryCodeBatch queries, int k) {
        return runtime.search(this, queries, k);
    }

    @Override
    public String residence() {
        return sized("on the " + runtime.backend() + " device", bytes);
    }

    @Override
    protected void release() {
        runtime.drop(this);
    }
}
