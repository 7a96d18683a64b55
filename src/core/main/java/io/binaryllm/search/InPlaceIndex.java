package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.MappedFaults;

/** The default index: no copy, each search passes the codes to the backend (a mapped file that shrinks meanwhile is named). */
record InPlaceIndex(SearchBackend backend, BinaryCodeBatch codes) implements BinaryIndex {
    @Override
    public SearchResult search(BinaryCodeBatch queries, int k) {
        try {
            return backend.search(codes, queries, k);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, codes.source(), queries.source());
        }
    }

    @Override
    public String residence() {
        return "in place";
    }

    @Override
    public void close() {
    }
}
