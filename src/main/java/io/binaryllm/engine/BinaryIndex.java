package io.binaryllm.engine;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.PreparedDatabase;
import io.binaryllm.search.SearchResult;

import java.util.function.Consumer;

/**
 * Exact Hamming search over a fixed set of codes, FAISS {@code IndexBinaryFlat}'s role: top-k by
 * (distance asc, index asc) on the engine's backend. Built once, searched many times: like FAISS's GPU index, on a GPU
 * backend it holds the codes on the device (copied when the index is built), so a search sends only its queries; the
 * CPU backends keep the codes laid out in blocks, so a search reads them once. The codes must not change while the
 * index is open. Closing it frees that memory; the engine closes the indexes still open when it closes.
 */
public final class BinaryIndex implements AutoCloseable {
    private final PreparedDatabase prepared;
    private final Consumer<BinaryIndex> onClose;

    BinaryIndex(PreparedDatabase prepared, Consumer<BinaryIndex> onClose) {
        this.prepared = prepared;
        this.onClose = onClose;
    }

    public long size() {
        return prepared.codes().rows();
    }

    public int bits() {
        return prepared.codes().bits();
    }

    public BinaryCodeBatch codes() {
        return prepared.codes();
    }

    /** Where the codes are searched: "on the cuda device: 122.1 MiB", "in memory, re-laid in blocks: 122.1 MiB", "in place". */
    public String residence() {
        return prepared.residence();
    }

    public SearchResult search(BinaryCodeBatch queries, int k) {
        return prepared.search(queries, k);
    }

    @Override
    public void close() {
        try {
            prepared.close();
        } finally {
            onClose.accept(this);
        }
    }
}
