package io.binaryllm.search;

import java.util.Arrays;

/**
 * The top-k lists of a batch of queries, row-major: entries {@code [q * k, (q + 1) * k)} belong to query q, ordered
 * by (distance asc, index asc). Two results are equal when every index and distance is.
 *
 * @param queries   number of queries
 * @param k         entries per query
 * @param indices   database row of each entry (64-bit: databases may exceed 2^31 rows)
 * @param distances Hamming distance of each entry
 */
public record SearchResult(int queries, int k, long[] indices, int[] distances) {
    public SearchResult {
        if (indices.length != (long) queries * k || distances.length != indices.length) {
            throw new IllegalArgumentException(queries + " x " + k + " results need " + (long) queries * k
                    + " entries, got " + indices.length + " indices and " + distances.length + " distances");
        }
    }

    public long[] indicesOf(int query) {
        return Arrays.copyOfRange(indices, query * k, (query + 1) * k);
    }

    public int[] distancesOf(int query) {
        return Arrays.copyOfRange(distances, query * k, (query + 1) * k);
    }

    /** Every query's indices, one array a query. */
    public long[][] indexLists() {
        long[][] out = new long[queries][];
        for (int q = 0; q < queries; q++) {
            out[q] = indicesOf(q);
        }
        return out;
    }

    /** The first entry where {@code other} differs, or null if none: a readable test failure for big results. */
    public String firstDifference(SearchResult other) {
        if (other.queries != queries || other.k != k) {
            return "shape " + queries + "x" + k + " vs " + other.queries + "x" + other.k;
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] != other.indices[i] || distances[i] != other.distances[i]) {
                return "query " + i / k + ", rank " + i % k + ": (index " + indices[i] + ", distance " + distances[i]
                        + ") vs (index " + other.indices[i] + ", distance " + other.distances[i] + ")";
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchResult r && r.queries == queries && r.k == k
                && Arrays.equals(r.indices, indices) && Arrays.equals(r.distances, distances);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(distances);
    }

    @Override
    public String toString() {
        return "SearchResult[" + queries + " queries, k=" + k + "]";
    }
}
