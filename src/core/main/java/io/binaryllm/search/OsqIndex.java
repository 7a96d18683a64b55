package io.binaryllm.search;

import io.binaryllm.quantize.OsqCodes;

/**
 * Exact osq search over fixed document codes, {@link BinaryIndex}'s counterpart: every search returns what
 * {@link SearchBackend#searchOsq} returns for the same codes. Built once ({@link SearchBackend#indexOsq},
 * {@code BinaryEngine.indexOsq}), searched many times: the CPU backends keep the planes laid out in blocks, so a search
 * reads them once instead of copying every tile first; others search in place.
 *
 * <p>The codes belong to the caller and must stay open and unchanged while the index is. Closing the index frees what
 * it holds; a search after close fails. Searches may run from several threads at once.
 */
public interface OsqIndex extends AutoCloseable {
    /** The document codes it searches. */
    OsqCodes codes();

    /** Exact top-k of every query: {@code k} between 1 and the number of documents, queries of the same quantizer. */
    ScoredResult search(OsqCodes queries, int k);

    /** Where the codes are searched, in words: "in place", "in memory, re-laid in blocks: 30.5 MiB". */
    String residence();

    /** Frees what the index holds; a second close does nothing. */
    @Override
    void close();
}
