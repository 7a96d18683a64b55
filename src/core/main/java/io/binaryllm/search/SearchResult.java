package io.binaryllm.search;

import io.binaryllm.data.Ranking;

import java.util.Arrays;
import java.util.Locale;

/**
 * The top-k lists of a batch of queries, for every code family, row-major: entries {@code [q * k, (q + 1) * k)} belong
 * to query q, ordered by (key asc, index asc). What a key means is the codes' {@link Ranking}: a Hamming distance
 * ({@link #distances()}), or a score mapped to an order-preserving int ({@link #scores()}). Two results are equal when
 * their rankings, indices and keys are (so scores compare bit for bit).
 *
 * @param queries number of queries
 * @param k       entries per query
 * @param indices database row of each entry (64-bit: databases may exceed 2^31 rows)
 * @param keys    the selection key of each entry
 * @param ranking what the keys mean
 */
public record SearchResult(int queries, int k, long[] indices, int[] keys, Ranking ranking) {
    public SearchResult {
        if (indices.length != (long) queries * k || keys.length != indices.length) {
            throw new IllegalArgumentException(queries + " x " + k + " results need " + (long) queries * k
                    + " entries, got " + indices.length + " indices and " + keys.length + " keys");
        }
        if (ranking == null) {
            throw new IllegalArgumentException("a result needs a ranking");
        }
    }

    /** A result of Hamming distances. */
    public SearchResult(int queries, int k, long[] indices, int[] distances) {
        this(queries, k, indices, distances, Ranking.DISTANCE);
    }

    public long[] indicesOf(int query) {
        return Arrays.copyOfRange(indices, query * k, (query + 1) * k);
    }

    public int[] keysOf(int query) {
        return Arrays.copyOfRange(keys, query * k, (query + 1) * k);
    }

    /** Every entry's distance (the keys themselves); only for {@link Ranking#DISTANCE}. */
    public int[] distances() {
        require(Ranking.DISTANCE);
        return keys;
    }

    public int[] distancesOf(int query) {
        require(Ranking.DISTANCE);
        return keysOf(query);
    }

    /** Every entry's score, decoded from its key into a new array on each call; only for {@link Ranking#SCORE}. */
    public float[] scores() {
        return scores(0, keys.length);
    }

    public float[] scoresOf(int query) {
        return scores(query * k, (query + 1) * k);
    }

    private float[] scores(int from, int to) {
        require(Ranking.SCORE);
        float[] out = new float[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = Ranking.scoreOf(keys[i]);
        }
        return out;
    }

    private void require(Ranking wanted) {
        if (ranking != wanted) {
            throw new IllegalStateException("this result ranks by " + ranking.name().toLowerCase(Locale.ROOT)
                    + ", not by " + wanted.name().toLowerCase(Locale.ROOT));
        }
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
        if (other.queries != queries || other.k != k || other.ranking != ranking) {
            return "shape " + queries + "x" + k + " by " + ranking + " vs " + other.queries + "x" + other.k + " by " + other.ranking;
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] != other.indices[i] || keys[i] != other.keys[i]) {
                return "query " + i / k + ", rank " + i % k + ": (index " + indices[i] + ", " + describe(keys[i])
                        + ") vs (index " + other.indices[i] + ", " + describe(other.keys[i]) + ")";
            }
        }
        return null;
    }

    private String describe(int key) {
        return ranking == Ranking.DISTANCE ? "distance " + key : "score " + Ranking.scoreOf(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchResult r && r.ranking == ranking && r.queries == queries && r.k == k
                && Arrays.equals(r.indices, indices) && Arrays.equals(r.keys, keys);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(indices) + Arrays.hashCode(keys)) + ranking.hashCode();
    }

    @Override
    public String toString() {
        return "SearchResult[" + queries + " queries, k=" + k + ", by " + ranking.name().toLowerCase(Locale.ROOT) + "]";
    }
}
