package io.binaryllm.search;

import io.binaryllm.quantize.OsqScores;

import java.util.Arrays;

/**
 * The top-k lists of a scored (osq) search, row-major: entries {@code [q * k, (q + 1) * k)} belong to query q, ordered
 * by (score desc, index asc). Two results are equal when every index and every score's bits are.
 *
 * @param queries number of queries
 * @param k       entries per query
 * @param indices database row of each entry
 * @param scores  the score of each entry ({@link OsqScores}): an estimate of the cosine of query and row
 */
public record ScoredResult(int queries, int k, long[] indices, float[] scores) {
    public ScoredResult {
        if (indices.length != (long) queries * k || scores.length != indices.length) {
            throw new IllegalArgumentException(queries + " x " + k + " results need " + (long) queries * k
                    + " entries, got " + indices.length + " indices and " + scores.length + " scores");
        }
    }

    /** A result selected on {@link OsqScores#key} keys (kept as a {@link SearchResult}'s distances), as scores. */
    public static ScoredResult ofKeys(SearchResult keys) {
        float[] scores = new float[keys.distances().length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = OsqScores.score(keys.distances()[i]);
        }
        return new ScoredResult(keys.queries(), keys.k(), keys.indices(), scores);
    }

    public long[] indicesOf(int query) {
        return Arrays.copyOfRange(indices, query * k, (query + 1) * k);
    }

    public float[] scoresOf(int query) {
        return Arrays.copyOfRange(scores, query * k, (query + 1) * k);
    }

    /** Every query's indices, one array a query. */
    public long[][] indexLists() {
        long[][] out = new long[queries][];
        for (int q = 0; q < queries; q++) {
            out[q] = indicesOf(q);
        }
        return out;
    }

    /** The first entry where {@code other} differs (scores compared bit for bit), or null if none. */
    public String firstDifference(ScoredResult other) {
        if (other.queries != queries || other.k != k) {
            return "shape " + queries + "x" + k + " vs " + other.queries + "x" + other.k;
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] != other.indices[i] || Float.floatToRawIntBits(scores[i]) != Float.floatToRawIntBits(other.scores[i])) {
                return "query " + i / k + ", rank " + i % k + ": (index " + indices[i] + ", score " + scores[i]
                        + ") vs (index " + other.indices[i] + ", score " + other.scores[i] + ")";
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoredResult r && firstDifference(r) == null;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        return "ScoredResult[" + queries + " queries, k=" + k + "]";
    }
}
