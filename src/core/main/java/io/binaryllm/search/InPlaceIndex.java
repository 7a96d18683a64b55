package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;

/** The default index: no copy, each search passes the codes to the backend. */
record InPlaceIndex(SearchBackend backend, BinaryCodeBatch codes) implements BinaryIndex {
    @Override
    public SearchResult search(BinaryCodeBatch queries, int k) {
        return backend.search(codes, queries, k);
    }

    @Override
    public String residence() {
        return "in place";
    }

    @Override
    public void close() {
    }
}
