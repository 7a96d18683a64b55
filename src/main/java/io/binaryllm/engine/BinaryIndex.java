package io.binaryllm.engine;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

/**
 * Exact Hamming search over a fixed set of codes, FAISS {@code IndexBinaryFlat}'s role: top-k by
 * (distance asc, index asc) on the engine's backend.
 */
public final class BinaryIndex {
    private final BinaryCodeBatch codes;
    private final SearchBackend backend;

    BinaryIndex(BinaryCodeBatch codes, SearchBackend backend) {
        this.codes = codes;
        this.backend = backend;
    }

    public long size() {
        return codes.rows();
    }

    public int bits() {
        return codes.bits();
    }

    public BinaryCodeBatch codes() {
        return codes;
    }

    public SearchResult search(BinaryCodeBatch queries, int k) {
        return backend.search(codes, queries, k);
    }
}
