package io.binaryllm.search;

import io.binaryllm.data.Codes;
import io.binaryllm.data.io.MappedFaults;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The base of every index: the checks every search makes, a close that frees what the index holds once, and a search
 * after close that fails instead of reading freed memory.
 *
 * @param <C> the code family
 */
public abstract class AbstractBinaryIndex<C extends Codes> implements BinaryIndex<C> {
    private final String backend;
    private final C codes;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param backend the backend's name, for messages */
    protected AbstractBinaryIndex(String backend, C codes) {
        this.backend = backend;
        this.codes = codes;
    }

    /** Searches what the index holds; called with valid arguments while the index is open. */
    protected abstract SearchResult searchCopy(C queries, int k);

    /** Frees what the index holds; called once. */
    protected abstract void release();

    @Override
    public final C codes() {
        return codes;
    }

    @Override
    public final SearchResult search(C queries, int k) {
        codes.requireSearchable(queries, k);
        requireOpen();
        try {
            return searchCopy(queries, k);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, codes.source(), queries.source());
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
