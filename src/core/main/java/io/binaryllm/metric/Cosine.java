package io.binaryllm.metric;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.vectorization.DotProduct;
import io.binaryllm.internal.vectorization.VectorizationProvider;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Cosine similarity in double: {@code dot(a, b) / (sqrt(dot(a, a)) * sqrt(dot(b, b)))}, each dot product in a fixed
 * summation order (eight partial sums combined pairwise, docs/contracts.md), so float baselines are reproducible and
 * vectorize. A zero vector has similarity 0 with everything: there is no direction to compare.
 */
public final class Cosine {
    private Cosine() {
    }

    public static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        DotProduct dp = VectorizationProvider.get().dotProduct();
        double na = dp.dot(a, 0, a, 0, a.length);
        double nb = dp.dot(b, 0, b, 0, b.length);
        return na == 0 || nb == 0 ? 0.0 : dp.dot(a, 0, b, 0, a.length) / (Math.sqrt(na) * Math.sqrt(nb));
    }

    /** dot(row, row) of every row of a row-major n x d matrix. */
    public static double[] squaredNorms(float[] flat, int n, int d) {
        DotProduct dp = VectorizationProvider.get().dotProduct();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = dp.dot(flat, i * d, flat, i * d, d);
        }
        return out;
    }

    /**
     * The exact float baseline: for each query, the k corpus rows of highest cosine similarity, ordered by
     * (similarity desc, index asc), the same tie rule as Hamming search. Computed by {@link #topKAll}.
     */
    public static long[][] topK(FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries, int k) {
        if (k < 1 || k > corpus.rows()) {
            throw new BadArgumentException("k", "k must be between 1 and the corpus size " + corpus.rows() + ", got " + k);
        }
        float[] flat = corpus.toArray();
        int n = (int) corpus.rows();
        int d = corpus.dims();
        MemoryBudget.requireHeapFor("k", MemoryBudget.bytes(queries.rows(), k, Long.BYTES + Double.BYTES),
                "the float top-k of " + queries.rows() + " queries x k=" + k);
        float[][] q = new float[Math.toIntExact(queries.rows())][];
        for (int i = 0; i < q.length; i++) {
            q[i] = queries.row(i);
        }
        return topKAll(flat, squaredNorms(flat, n, d), d, q, k, null);
    }

    /** Queries per block of {@link #topKAll}: each corpus tile, once in cache, serves all of them. */
    private static final int QUERY_BLOCK = 16;
    /** Corpus rows per tile: about 512 KiB of floats, so a tile stays in a core's L2 while a block re-reads it. */
    private static final int TILE_BYTES = 512 * 1024;

    /**
     * {@link #topKOne} for every query, the same answers, computed for speed: blocks of queries run in parallel;
     * each walks the corpus (or the candidate rows) in cache-sized tiles, every query of the block scanning a tile
     * while it is in cache, four rows at a time (four independent summation chains, each
     * in the specified order). Similarities are computed exactly as topKOne computes them, and the kept lists do
     * not depend on the order rows are offered in (ties go by index), so the result is bit-identical.
     * (Widening each tile to double once, to spare the conversions, measured no faster.)
     */
    public static long[][] topKAll(float[] corpus, double[] squaredNorms, int d, float[][] queries, int k, long[] candidates) {
        int count = candidates == null ? squaredNorms.length : candidates.length;
        int tile = Math.max(4, TILE_BYTES / (Float.BYTES * Math.max(1, d)) / 4 * 4);
        long[][] out = new long[queries.length][];
        int blocks = (queries.length + QUERY_BLOCK - 1) / QUERY_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            DotProduct dp = VectorizationProvider.get().dotProduct();
            int q0 = b * QUERY_BLOCK;
            int q1 = Math.min(queries.length, q0 + QUERY_BLOCK);
            TopList[] lists = new TopList[q1 - q0];
            double[] queryNorms = new double[q1 - q0];
            for (int q = q0; q < q1; q++) {
                lists[q - q0] = new TopList(k);
                queryNorms[q - q0] = dp.dot(queries[q], 0, queries[q], 0, d);
            }
            double[] dots = new double[4];
            for (int t0 = 0; t0 < count; t0 += tile) {
                int t1 = Math.min(count, t0 + tile);
                for (int q = q0; q < q1; q++) {
                    TopList list = lists[q - q0];
                    float[] query = queries[q];
                    double nq = queryNorms[q - q0];
                    int c = t0;
                    for (; c + 4 <= t1; c += 4) {
                        int i0 = row(candidates, c);
                        int i1 = row(candidates, c + 1);
                        int i2 = row(candidates, c + 2);
                        int i3 = row(candidates, c + 3);
                        dp.dot4(query, 0, corpus, i0 * d, i1 * d, i2 * d, i3 * d, d, dots);
                        list.offer(similarity(dots[0], nq, squaredNorms[i0]), i0);
                        list.offer(similarity(dots[1], nq, squaredNorms[i1]), i1);
                        list.offer(similarity(dots[2], nq, squaredNorms[i2]), i2);
                        list.offer(similarity(dots[3], nq, squaredNorms[i3]), i3);
                    }
                    for (; c < t1; c++) {
                        int i = row(candidates, c);
                        list.offer(similarity(dp.dot(query, 0, corpus, i * d, d), nq, squaredNorms[i]), i);
                    }
                }
            }
            for (int q = q0; q < q1; q++) {
                out[q] = lists[q - q0].indices();
            }
        });
        return out;
    }

    private static int row(long[] candidates, int c) {
        return candidates == null ? c : (int) candidates[c];
    }

    /** Cosine from a dot product and the two squared norms; 0 against a zero vector. */
    private static double similarity(double dot, double nq, double ni) {
        return nq == 0 || ni == 0 ? 0.0 : dot / (Math.sqrt(nq) * Math.sqrt(ni));
    }

    /**
     * The top k of {@code query} among the corpus rows {@code candidates} (all rows when null), by (similarity
     * desc, index asc). Used for rescoring a binary shortlist; {@link #topKAll} does many queries at once.
     */
    public static long[] topKOne(float[] corpus, double[] squaredNorms, int d, float[] query, int k, long[] candidates) {
        DotProduct dp = VectorizationProvider.get().dotProduct();
        double nq = dp.dot(query, 0, query, 0, d);
        int count = candidates == null ? squaredNorms.length : candidates.length;
        TopList list = new TopList(k);
        for (int c = 0; c < count; c++) {
            int i = row(candidates, c);
            list.offer(similarity(dp.dot(query, 0, corpus, i * d, d), nq, squaredNorms[i]), i);
        }
        return list.indices();
    }

    /** The k best (similarity, index) seen so far, sorted; equal similarity goes by smaller index. */
    private static final class TopList {
        private final long[] idx;
        private final double[] sim;
        private int size;

        TopList(int k) {
            idx = new long[k];
            sim = new double[k];
        }

        void offer(double s, long i) {
            int k = idx.length;
            if (size == k && !better(s, i, sim[k - 1], idx[k - 1])) {
                return;
            }
            int pos = size == k ? k - 1 : size++;
            while (pos > 0 && better(s, i, sim[pos - 1], idx[pos - 1])) {
                sim[pos] = sim[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            sim[pos] = s;
            idx[pos] = i;
        }

        long[] indices() {
            return size == idx.length ? idx : Arrays.copyOf(idx, size);
        }
    }

    private static boolean better(double s1, long i1, double s2, long i2) {
        return s1 > s2 || (s1 == s2 && i1 < i2);
    }
}
