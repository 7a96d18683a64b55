package io.binaryllm.langchain4j.internal;

import io.binaryllm.data.Codes;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * How a store turns float vectors into fixed-size code rows and ranks rows against a query: Hamming codes of a
 * binarizer ({@link HammingCodec}) or osq codes scored asymmetrically ({@link OsqCodec}). A row is
 * {@link #rowWords()} longs and {@link #rowFloats()} floats; a ranking is by ascending int key, ties by ascending row.
 *
 * @param <Q> an encoded query: codes of the codec's family
 */
public interface StoreCodec<Q extends Codes> {
    /** Longs a row holds. */
    int rowWords();

    /** Floats a row holds (per-row corrections; 0 for Hamming codes). */
    int rowFloats();

    /** {@code rows.length} rows: words {@code [rows][rowWords]} and floats {@code [rows][rowFloats]}, row-major. */
    Encoded encode(float[][] rows);

    /** The query, encoded to be ranked against rows; {@link #release} frees it. */
    Q query(float[] vector);

    /** Frees what an encoded query holds. */
    void release(Q query);

    /** Several encoded queries as one batch, in order (for one scan that serves them all); release it when done. */
    Q join(List<Q> queries);

    /**
     * The first {@code rows} rows of {@code words}/{@code floats} made searchable; {@code often}: it will be searched
     * many times (worth laying out once, or keeping on a device). They must not change while it is open.
     */
    Part<Q> part(MemorySegment words, float[] floats, int rows, boolean often);

    /** The cosine a key estimates, for relevance scores without rescoring. */
    double cosine(int key);

    /** Encoded rows. */
    record Encoded(long[] words, float[] floats) {
    }

    /** Rows that can be ranked against a query. */
    interface Part<Q extends Codes> extends AutoCloseable {
        /** The exact top-k rows (1 <= k <= rows): {@code rows[i]} with key {@code keys[i]}, by (key, row) ascending. */
        default Ranked topK(Q query, int k) {
            return topKEach(query, 1, k)[0];
        }

        /** {@link #topK} of each of the {@code count} queries of a batch ({@link #join}), in one scan. */
        Ranked[] topKEach(Q queries, int count, int k);

        @Override
        void close();

        /** {@code codes} ranked on {@code engine}'s backend: through an index when searched {@code often}, else in place. */
        static <C extends Codes> Part<C> searching(BinaryEngine engine, C codes, boolean often) {
            BinaryIndex<C> index = often ? engine.index(codes) : null;
            return new Part<>() {
                @Override
                public Ranked[] topKEach(C queries, int count, int k) {
                    SearchResult r = index != null ? index.search(queries, k) : engine.search(codes, queries, k);
                    return Ranked.split(r.indices(), r.keys(), count, k);
                }

                @Override
                public void close() {
                    if (index != null) {
                        index.close();
                    }
                }
            };
        }
    }

    /** A ranking: rows and their keys, best first. */
    record Ranked(long[] rows, int[] keys) {
        /** The {@code count} rankings of a batch's row-major results, {@code k} each. */
        static Ranked[] split(long[] rows, int[] keys, int count, int k) {
            Ranked[] out = new Ranked[count];
            for (int q = 0; q < count; q++) {
                out[q] = new Ranked(Arrays.copyOfRange(rows, q * k, (q + 1) * k), Arrays.copyOfRange(keys, q * k, (q + 1) * k));
            }
            return out;
        }
    }
}
