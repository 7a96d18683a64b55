package io.binaryllm.spark;

import io.binaryllm.data.Ranking;
import io.binaryllm.search.SearchResult;

import java.io.Serializable;

/**
 * Partial answers on their way to the driver: for each of {@code queries} queries at most {@code k} (key,
 * corpus index) pairs, ascending, {@code sizes[q]} of them. Two merge into one exactly, in any grouping (the order is
 * total), which is what lets Spark combine them in a tree.
 */
record TopLists(int queries, int k, long[] indices, int[] keys, int[] sizes) implements Serializable {
    static TopLists empty(int queries, int k) {
        return new TopLists(queries, k, new long[queries * k], new int[queries * k], new int[queries]);
    }

    /** A shard's exact top-k (k' <= k rows a query), its indices moved by the shard's first row. */
    static TopLists of(SearchResult r, int k, long firstRow) {
        TopLists out = empty(r.queries(), k);
        for (int q = 0; q < r.queries(); q++) {
            for (int j = 0; j < r.k(); j++) {
                out.indices[q * k + j] = r.indices()[q * r.k() + j] + firstRow;
                out.keys[q * k + j] = r.keys()[q * r.k() + j];
            }
            out.sizes[q] = r.k();
        }
        return out;
    }

    /** The k best of both, by (key, index). */
    static TopLists merge(TopLists a, TopLists b) {
        int k = a.k;
        TopLists out = empty(a.queries, k);
        for (int q = 0; q < a.queries; q++) {
            int i = 0;
            int j = 0;
            int n = 0;
            int base = q * k;
            while (n < k && (i < a.sizes[q] || j < b.sizes[q])) {
                boolean takeA = j == b.sizes[q] || i < a.sizes[q] && (a.keys[base + i] < b.keys[base + j]
                        || a.keys[base + i] == b.keys[base + j] && a.indices[base + i] < b.indices[base + j]);
                if (takeA) {
                    out.indices[base + n] = a.indices[base + i];
                    out.keys[base + n] = a.keys[base + i++];
                } else {
                    out.indices[base + n] = b.indices[base + j];
                    out.keys[base + n] = b.keys[base + j++];
                }
                n++;
            }
            out.sizes[q] = n;
        }
        return out;
    }

    /** The final answer, keys read by {@code ranking}: every query must have its k. */
    SearchResult result(Ranking ranking) {
        for (int q = 0; q < queries; q++) {
            if (sizes[q] != k) {
                throw new IllegalStateException("query " + q + " has " + sizes[q] + " of its " + k + " neighbours");
            }
        }
        return new SearchResult(queries, k, indices, keys, ranking);
    }
}
