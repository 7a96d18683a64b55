package io.binaryllm.testing;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Ranking;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.quantize.OsqScores;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.SplitMix64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent osq top-k: the integer dot product from the levels read back bit by bit out of the planes and
 * multiplied (not from popcounts of plane ANDs), every pair scored by the specified float steps, and a full sort by
 * (score desc, index asc). Also the vectors the contract feeds it.
 */
public final class OsqOracle {
    private OsqOracle() {
    }

    /** Row r's integer levels, read one bit at a time out of its planes. */
    public static int[] levels(OsqCodes codes, long r) {
        int[] out = new int[codes.dims()];
        int pw = codes.planeWords();
        for (int j = 0; j < codes.dims(); j++) {
            int level = 0;
            for (int i = 0; i < codes.bitsPerDim(); i++) {
                level |= codes.planes().bit(r, i * pw * 64 + j) << i;
            }
            out[j] = level;
        }
        return out;
    }

    public static SearchResult topK(OsqCodes db, OsqCodes queries, int k) {
        int n = Math.toIntExact(db.rows());
        int nq = Math.toIntExact(queries.rows());
        int[][] docs = IntStream.range(0, n).mapToObj(i -> levels(db, i)).toArray(int[][]::new);
        long[] indices = new long[nq * k];
        int[] keys = new int[nq * k];
        for (int q = 0; q < nq; q++) {
            int[] ql = levels(queries, q);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                long dot = 0;
                for (int j = 0; j < ql.length; j++) {
                    dot += (long) docs[i][j] * ql[j];
                }
                s[i] = OsqScores.score(dot, db.corrections(), i * OsqScores.CORRECTIONS, queries.corrections(), q * OsqScores.CORRECTIONS);
            }
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingInt(i -> Ranking.keyOf(s[i])).thenComparingInt(i -> i));
            for (int r = 0; r < k; r++) {
                indices[q * k + r] = order[r];
                keys[q * k + r] = Ranking.keyOf(s[order[r]]);
            }
        }
        return new SearchResult(nq, k, indices, keys, Ranking.SCORE);
    }

    /**
     * {@code backend}'s osq searches against the oracle over a spread of shapes: dimensions at word boundaries, every
     * document width, both query widths, block remainders, k = 1 .. n. For tests of one backend's configurations.
     */
    public static void checkShapes(SearchBackend backend) {
        int[][] widths = {{1, 4}, {2, 8}, {4, 4}, {1, 8}};
        for (int dims : new int[]{1, 65, 130, 384}) {
            for (int[] bits : widths) {
                for (int n : new int[]{1, 9, 65, 300}) {
                    String kind = n % 2 == 0 ? "random" : "tie-heavy";
                    var docs = vectors(n * 31L + dims, n, dims, kind);
                    OsqQuantizer quantizer = OsqQuantizer.fit(docs, bits[0]);
                    try (OsqCodes db = quantizer.encodeDocuments(docs);
                         OsqCodes q = quantizer.encodeQueries(vectors(dims, 11, dims, "clustered"), bits[1]);
                         BinaryIndex<OsqCodes> index = backend.index(db)) {
                        for (int k : new int[]{1, Math.min(3, n), n}) {
                            SearchResult expected = topK(db, q, k);
                            assertThat(backend.search(db, q, k).firstDifference(expected))
                                    .as("dims=%d bits=%dx%d n=%d k=%d", dims, bits[0], bits[1], n, k).isNull();
                            assertThat(index.search(q, k).firstDifference(expected))
                                    .as("index: dims=%d bits=%dx%d n=%d k=%d", dims, bits[0], bits[1], n, k).isNull();
                        }
                    }
                }
            }
        }
    }

    /**
     * Seeded vectors: "random" Gaussian rows; "tie-heavy" rows drawn from 3 distinct Gaussian rows (many identical
     * codes and scores, so the index decides); "clustered" rows near 4 centres with a common offset (like embeddings:
     * a non-zero mean that centring removes).
     */
    public static FloatEmbeddingBatch vectors(long seed, int rows, int dims, String kind) {
        SplitMix64 rng = new SplitMix64(seed);
        int distinct = kind.equals("tie-heavy") ? 3 : kind.equals("clustered") ? 4 : rows;
        float[][] pool = new float[distinct][dims];
        for (float[] p : pool) {
            for (int j = 0; j < dims; j++) {
                p[j] = (float) rng.nextGaussian();
            }
        }
        float[] flat = new float[rows * dims];
        for (int r = 0; r < rows; r++) {
            float[] p = pool[kind.equals("random") ? r : (int) rng.nextLong(distinct)];
            for (int j = 0; j < dims; j++) {
                float noise = kind.equals("clustered") ? (float) (0.5 * rng.nextGaussian()) + 1f : 0f;
                flat[r * dims + j] = p[j] + noise;
            }
        }
        return FloatEmbeddingBatch.ofFlat(flat, rows, dims, kind + "-" + seed);
    }
}
