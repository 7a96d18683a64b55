package io.binaryllm.search;

import io.binaryllm.data.Codes;

/** The default index: no copy, each search passes the codes to the backend. */
final class InPlaceIndex<C extends Codes> extends AbstractBinaryIndex<C> {
    private final SearchBackend backend;

    InPlaceIndex(SearchBackend backend, C codes) {
        super(backend.name(), codes);
        this.backend = backend;
    }

    @Override
    protected SearchResult searchCopy(C queries, int k) {
        return backend.search(codes(), queries, k);
    }

    @Override
    public String residence() {
        return "in place";
    }

    /** Holds nothing; a search after close fails all the same. */
    @Override
    protected void release() {
    }
}
