package io.binaryllm.engine;

import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.OsqIndex;
import io.binaryllm.search.ScoredResult;

import java.util.function.Consumer;

/** {@link TrackedIndex} for osq: the engine learns when the index is closed, and closes it if it is not. */
final class TrackedOsqIndex implements OsqIndex {
    private final OsqIndex index;
    private final Consumer<AutoCloseable> onClose;

    TrackedOsqIndex(OsqIndex index, Consumer<AutoCloseable> onClose) {
        this.index = index;
        this.onClose = onClose;
    }

    @Override
    public OsqCodes codes() {
        return index.codes();
    }

    @Override
    public ScoredResult search(OsqCodes queries, int k) {
        return index.search(queries, k);
    }

    @Override
    public String residence() {
        return index.residence();
    }

    @Override
    public void close() {
        try {
            index.close();
        } finally {
            onClose.accept(this);
        }
    }
}
