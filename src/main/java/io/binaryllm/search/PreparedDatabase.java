package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;

/**
 * A database made ready for repeated searches on one backend, as FAISS's index holds its vectors where the index
 * searches them: a GPU backend copies the codes to the device once (so a search uploads only its queries), the CPU
 * backends lay them out in blocks once (so a search reads them once, instead of copying each tile before scanning
 * it), the reference searches them in place. The answers are exactly {@link SearchBackend#search}'s.
 *
 * <p>The codes must not change while it is open: the backends search their copy. Close it to free what it holds
 * (device memory, the layout); the codes themselves belong to the caller.
 */
public interface PreparedDatabase extends AutoCloseable {
    /** The codes it searches. */
    BinaryCodeBatch codes();

    /** Exact top-k of every query in {@link #codes()}, the same as the backend's {@code search(codes(), queries, k)}. */
    SearchResult search(BinaryCodeBatch queries, int k);

    /** Where the codes are kept, in words: "in place", "on the cuda device: 122.1 MiB", "in memory, re-laid in blocks: 30.5 MiB". */
    String residence();

    @Override
    void close();

    /** The default: no copy, each search passes the codes to the backend. */
    record InPlace(SearchBackend backend, BinaryCodeBatch codes) implements PreparedDatabase {
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

    /**
     * A copy the backend holds (laid out on the heap, or on a device): the checks every search makes, and a close
     * that frees the copy once. After close, a search fails instead of reading freed memory.
     */
    abstract class Copy implements PreparedDatabase {
        private final String backend;
        private final BinaryCodeBatch codes;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        protected Copy(String backend, BinaryCodeBatch codes) {
            this.backend = backend;
            this.codes = codes;
        }

        /** Searches the copy; called with valid arguments on an open copy. */
        protected abstract SearchResult searchCopy(BinaryCodeBatch queries, int k);

        /** Frees the copy; called once. */
        protected abstract void free();

        @Override
        public final BinaryCodeBatch codes() {
            return codes;
        }

        @Override
        public final SearchResult search(BinaryCodeBatch queries, int k) {
            SearchBackend.requireValid(codes, queries, k);
            if (closed.get()) {
                throw new IllegalStateException("this " + backend + " database was closed");
            }
            return searchCopy(queries, k);
        }

        @Override
        public final void close() {
            if (closed.compareAndSet(false, true)) {
                free();
            }
        }

        /** "what: 12.3 MiB". */
        protected static String sized(String what, long bytes) {
            return String.format(java.util.Locale.ROOT, "%s: %.1f MiB", what, bytes / 1048576.0);
        }
    }
}
