package io.binaryllm.runner.internal;

import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One frozen dataset of the golden set: a float corpus and float queries, built from the golden master seed or by
 * hand. The edge cases are chosen for what breaks fast paths: d = 1 and the word boundaries 63/64/65 and 130,
 * zero and negative-zero values, all-zero rows, duplicate rows (exact distance ties) and tie-heavy codes.
 *
 * @param name    folder name under {@code golden/}
 * @param corpus  corpus rows
 * @param queries query rows
 * @param labels  class labels of the corpus rows (for the metrics case), else null
 */
public record GoldenCase(String name, float[][] corpus, float[][] queries, int[] labels) {
    /** The golden set's master seed; changing it changes every synthetic file. */
    public static final long MASTER_SEED = 20251123L;

    public int dims() {
        return corpus[0].length;
    }

    public static List<GoldenCase> all() {
        Seeds seeds = new Seeds(MASTER_SEED);
        List<GoldenCase> cases = new ArrayList<>();
        cases.add(d1());
        for (int d : new int[]{63, 64, 65, 130}) {
            cases.add(wordBoundary(d, seeds.stream("golden/d" + d)));
        }
        cases.add(ties(seeds.stream("golden/ties")));
        cases.add(clusters(seeds.stream("golden/clusters")));
        return cases;
    }

    /** d = 1: signs of zero, negative zero, the smallest subnormal, huge and tiny values; every distance is 0 or 1. */
    private static GoldenCase d1() {
        float[] values = {0.0f, -0.0f, 1.5f, -2.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, Float.MAX_VALUE, -1e-30f, 3.0f, 0.25f};
        float[][] corpus = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            corpus[i] = new float[]{values[i]};
        }
        return new GoldenCase("d1", corpus, new float[][]{{1.0f}, {-1.0f}, {0.0f}}, null);
    }

    /**
     * 129 Gaussian rows of d dimensions, with row 5 all zeros, rows 7 and 8 copies of row 3, and every 11th value
     * an exact zero (half of them negative zero); 7 queries: all zeros, a copy of row 3, then Gaussian rows.
     */
    private static GoldenCase wordBoundary(int d, SplitMix64 rng) {
        float[][] corpus = gaussian(rng, 129, d);
        for (int i = 0; i < corpus.length; i++) {
            for (int j = 0; j < d; j++) {
                if ((i * d + j) % 11 == 0) {
                    corpus[i][j] = (i + j) % 2 == 0 ? 0.0f : -0.0f;
                }
            }
        }
        Arrays.fill(corpus[5], 0.0f);
        corpus[7] = corpus[3].clone();
        corpus[8] = corpus[3].clone();
        float[][] queries = gaussian(rng, 7, d);
        Arrays.fill(queries[0], 0.0f);
        queries[1] = corpus[3].clone();
        return new GoldenCase("d" + d, corpus, queries, null);
    }

    /**
     * Tie-heavy: d = 16, 200 rows that are one of 3 patterns with at most one sign flipped, so distances take
     * only a few values and most top-k positions are decided by the index.
     */
    private static GoldenCase ties(SplitMix64 rng) {
        int d = 16;
        float[][] patterns = gaussian(rng, 3, d);
        float[][] corpus = new float[200][];
        for (int i = 0; i < corpus.length; i++) {
            corpus[i] = patterns[(int) rng.nextLong(patterns.length)].clone();
            int flip = (int) rng.nextLong(d + 1); // d means "no flip"
            if (flip < d) {
                corpus[i][flip] = -corpus[i][flip];
            }
        }
        float[][] queries = {patterns[0].clone(), patterns[1].clone(), patterns[2].clone(), new float[d], gaussian(rng, 1, d)[0]};
        return new GoldenCase("ties", corpus, queries, null);
    }

    /**
     * The metrics case: 6 Gaussian clusters in d = 96 (centres of norm ~10, noise of norm ~8), 40 rows each, labelled by
     * cluster; 13 queries, two near each centre and one of pure noise. Relevance (see {@link #qrels}): grade 1 for
     * every row of the query's cluster, grade 2 for the first 5 of them.
     */
    private static GoldenCase clusters(SplitMix64 rng) {
        int d = 96;
        int clusters = 6;
        int perCluster = 40;
        float[][] centres = gaussian(rng, clusters, d);
        float[][] corpus = new float[clusters * perCluster][];
        int[] labels = new int[corpus.length];
        for (int i = 0; i < corpus.length; i++) {
            labels[i] = i % clusters;
            corpus[i] = new float[d];
            for (int j = 0; j < d; j++) {
                corpus[i][j] = centres[labels[i]][j] + (float) (rng.nextGaussian() / Math.sqrt(d) * 8);
            }
        }
        float[][] queries = new float[2 * clusters + 1][];
        for (int q = 0; q < 2 * clusters; q++) {
            queries[q] = new float[d];
            for (int j = 0; j < d; j++) {
                queries[q][j] = centres[q % clusters][j] + (float) (rng.nextGaussian() / Math.sqrt(d) * 8);
            }
        }
        queries[2 * clusters] = gaussian(rng, 1, d)[0];
        return new GoldenCase("clusters", corpus, queries, labels);
    }

    /** TREC qrels of the clusters case: query q belongs to cluster q % 6, except the last (noise) query. */
    public String qrels() {
        StringBuilder out = new StringBuilder();
        int clusters = 6;
        for (int q = 0; q < queries.length - 1; q++) {
            int seen = 0;
            for (int i = 0; i < corpus.length; i++) {
                if (labels[i] == q % clusters) {
                    out.append("q").append(q).append(" 0 d").append(i).append(' ').append(seen++ < 5 ? 2 : 1).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static float[][] gaussian(SplitMix64 rng, int rows, int d) {
        float[][] out = new float[rows][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }
        return out;
    }
}
