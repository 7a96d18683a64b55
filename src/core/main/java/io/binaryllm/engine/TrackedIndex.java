package io.binaryllm.engine;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;

import java.util.function.Consumer;

/** A backend's index as the engine hands it out: the engine learns when it is closed, and closes it if it is not. */
final class TrackedIndex implements BinaryIndex {
    private final BinaryIndex index;
    private final Consumer<AutoCloseable> onClose;

    TrackedIndex(BinaryIndex index, Consumer<AutoCloseable> onClose) {
        this.index = index;
        this.onClose = onClose;
    }

    @Override
    public BinaryCodeBatch codes() {
        return index.codes();
    }

    @Override
    public SearchResult search(BinaryCodeBatch queries, int k) {
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
