package io.binaryllm.engine;

import io.binaryllm.data.Codes;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;

import java.util.function.Consumer;

/** A backend's index as the engine hands it out: the engine learns when it is closed, and closes it if it is not. */
final class TrackedIndex<C extends Codes> implements BinaryIndex<C> {
    private final BinaryIndex<C> index;
    private final Consumer<AutoCloseable> onClose;

    TrackedIndex(BinaryIndex<C> index, Consumer<AutoCloseable> onClose) {
        this.index = index;
        this.onClose = onClose;
    }

    @Override
    public C codes() {
        return index.codes();
    }

    @Override
    public SearchResult search(C queries, int k) {
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
