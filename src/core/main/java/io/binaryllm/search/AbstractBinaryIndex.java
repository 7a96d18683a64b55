package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.MappedFaults;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An index that keeps a copy of its codes (laid out on the heap, or on a device), for backends to extend: the checks
 * every search makes, a close that frees the copy once, and a search after close that fails instead of reading freed
 * memory.
 */
public abstract class AbstractBinaryIndex implements BinaryIndex {
    private final String backend;
    private final BinaryCodeBatch codes;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param backend the backend's name, for messages */
    protected AbstractBinaryIndex(String backend, BinaryCodeBatch codes) {
        this.backend = backend;
        this.codes = codes;
    }

    /** Searches the copy; called with valid arguments while the index is open. */
    protected abstract SearchResult searchCopy(BinaryCodeBatch queries, int k);

    /** Frees the copy; called once. */
    protected abstract void release();

    @Override
    public final BinaryCodeBatch codes() {
        return codes;
    }

    @Override
    public final SearchResult search(BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(codes, queries, k);
        requireOpen();
        try {
            return searchCopy(queries, k);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, queries.source());
        }
    }

    /** Throws if the index was closed. */
    protected final void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this " + backend + " index was closed");
        }
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /** "what: 12.3 MiB". */
    protected static String sized(String what, long bytes) {
        return String.format(Locale.ROOT, "%s: %.1f MiB", what, bytes / 1048576.0);
    }
}
