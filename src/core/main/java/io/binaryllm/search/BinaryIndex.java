package io.binaryllm.search;

import io.binaryllm.data.Codes;

/**
 * Exact search over a fixed set of codes of any family, FAISS {@code IndexBinaryFlat}'s role: every search returns the
 * k rows with the smallest (key, index), exactly what {@link SearchBackend#search} returns for the same codes. Built
 * once ({@link SearchBackend#index}, {@code BinaryEngine.index}), searched many times: a GPU backend holds Hamming
 * codes on its device, so a search sends only its queries; the CPU backends keep the codes laid out in blocks, so a
 * search reads them once; the reference searches them in place.
 *
 * <p>The codes belong to the caller and must stay open and unchanged while the index is. Closing the index frees what
 * it holds (device memory, the layout), and a search after close fails, on every backend. Searches may run from
 * several threads at once.
 *
 * @param <C> the code family
 */
public interface BinaryIndex<C extends Codes> extends AutoCloseable {
    /** The codes it searches. */
    C codes();

    /** Rows it holds. */
    default long size() {
        return codes().rows();
    }

    /** Exact top-k of every query: {@code k} between 1 and {@link #size()}, queries that {@link Codes#requireSearchable} accepts. */
    SearchResult search(C queries, int k);

    /** Where the codes are searched, in words: "in place", "on the cuda device: 122.1 MiB", "in memory, re-laid in blocks: 30.5 MiB". */
    String residence();

    /** Frees what the index holds; a second close does nothing. */
    @Override
    void close();
}
