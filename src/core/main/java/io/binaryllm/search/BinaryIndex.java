package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;

/**
 * Exact Hamming search over a fixed set of codes, FAISS {@code IndexBinaryFlat}'s role: every search returns the k rows
 * with the smallest (distance, index), exactly what {@link SearchBackend#search} returns for the same codes. Built once
 * ({@link SearchBackend#index}, {@code BinaryEngine.index}), searched many times: a GPU backend holds the codes on its
 * device, so a search sends only its queries; the CPU backends keep them laid out in blocks, so a search reads them
 * once; the reference searches them in place.
 *
 * <p>The codes belong to the caller and must stay open and unchanged while the index is. Closing the index frees what
 * it holds (device memory, the layout); a search after close fails. Searches may run from several threads at once.
 */
public interface BinaryIndex extends AutoCloseable {
    /** The codes it searches. */
    BinaryCodeBatch codes();

    /** Rows it holds. */
    default long size() {
        return codes().rows();
    }

    /** Bits a code has. */
    default int bits() {
        return codes().bits();
    }

    /** Exact top-k of every query: {@code k} between 1 and {@link #size()}, queries of {@link #bits()} bits. */
    SearchResult search(BinaryCodeBatch queries, int k);

    /** Where the codes are searched, in words: "in place", "on the cuda device: 122.1 MiB", "in memory, re-laid in blocks: 30.5 MiB". */
    String residence();

    /** Frees what the index holds; a second close does nothing. */
    @Override
    void close();
}
