package io.binaryllm.search;

import io.binaryllm.quantize.OsqCodes;

import java.util.concurrent.atomic.AtomicBoolean;

/** The default osq index: no copy, each search passes the codes to the backend. */
final class InPlaceOsqIndex implements OsqIndex {
    private final SearchBackend backend;
    private final OsqCodes codes;
    private final AtomicBoolean closed = new AtomicBoolean();

    InPlaceOsqIndex(SearchBackend backend, OsqCodes codes) {
        this.backend = backend;
        this.codes = codes;
    }

    @Override
    public OsqCodes codes() {
        return codes;
    }

    @Override
    public ScoredResult search(OsqCodes queries, int k) {
        if (closed.get()) {
            throw new IllegalStateException("this " + backend.name() + " osq index was closed");
        }
        return backend.searchOsq(codes, queries, k);
    }

    @Override
    public String residence() {
        return "in place";
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
