package io.binaryllm.search;

import io.binaryllm.data.Ranking;
import io.binaryllm.internal.vectorization.FlatTopK;

/**
 * For a backend that selects on the host what its device computed (a GPU's osq keys): each query's k smallest
 * (key, index) pairs, offered in ascending index order per query, which makes a strict comparison with the k-th
 * key exact. {@link #result()} lists them by (key, index), as every backend must.
 */
public final class TopKLists {
    private final FlatTopK heaps;
    private final int queries;

    private final Ranking ranking;

    /** @param ranking what the keys mean */
    public TopKLists(int queries, int k, Ranking ranking) {
        this.heaps = new FlatTopK(queries, k);
        this.queries = queries;
        this.ranking = ranking;
    }

    /** The key a candidate of {@code query} must be below to enter ({@code Integer.MAX_VALUE} until k are kept). */
    public int bound(int query) {
        return heaps.worst(query);
    }

    /** Offers (key, index); a query's indices must arrive in ascending order. */
    public void offer(int query, int key, long index) {
        heaps.offer(query, key, index);
    }

    /** The lists sorted by (key, index); the lists are empty afterwards. */
    public SearchResult result() {
        int k = heaps.k();
        long[] indices = new long[queries * k];
        int[] keys = new int[queries * k];
        for (int q = 0; q < queries; q++) {
            heaps.drainSorted(q, indices, keys, q * k);
        }
        return new SearchResult(queries, k, indices, keys, ranking);
    }
}
