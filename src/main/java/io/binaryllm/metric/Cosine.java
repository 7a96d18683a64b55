package io.binaryllm.metric;

import io.binaryllm.data.FloatEmbeddingBatch;

/**
 * Cosine similarity in double: {@code dot(a, b) / (sqrt(dot(a, a)) * sqrt(dot(b, b)))} with {@link DotProduct}'s
 * fixed summation order, so float baselines are reproducible and vectorize. A zero vector has similarity 0 with
 * everything: there is no direction to compare.
 */
public final class Cosine {
    private Cosine() {
    }

    public static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        DotProduct dp = DotProduct.best();
        double na = dp.dot(a, 0, a, 0, a.length);
        double nb = dp.dot(b, 0, b, 0, b.length);
        return na == 0 || nb == 0 ? 0.0 : dp.dot(a, 0, b, 0, a.length) / (Math.sqrt(na) * Math.sqrt(nb));
    }

    /** dot(row, row) of every row of a row-major n x d matrix. */
    public static double[] squaredNorms(float[] flat, int n, int d) {
        DotProduct dp = DotProduct.best();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = dp.dot(flat, i * d, flat, i * d, d);
        }
        return out;
    }

    /**
     * The exact float baseline: for each query, the k corpus rows of highest cosine similarity, ordered by
     * (similarity desc, index asc), the same tie rule as Hamming search. Queries run in parallel.
     */
    public static long[][] topK(FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries, int k) {
        if (k < 1 || k > corpus.rows()) {
            throw new IllegalArgumentException("k must be in [1, " + corpus.rows() + "], got " + k);
        }
        int n = Math.toIntExact(corpus.rows());
        int d = corpus.dims();
        float[] flat = new float[Math.multiplyExact(n, d)];
        java.lang.foreign.MemorySegment.copy(corpus.segment(), FloatEmbeddingBatch.F32, 0, flat, 0, flat.length);
        double[] norms = squaredNorms(flat, n, d);
        long[][] out = new long[Math.toIntExact(queries.rows())][];
        java.util.stream.IntStream.range(0, out.length).parallel().forEach(q -> out[q] = topKOne(flat, norms, d, queries.row(q), k, null));
        return out;
    }

    /**
     * The top k of {@code query} among the corpus rows {@code candidates} (all rows when null), by (similarity
     * desc, index asc). Used for the float baseline and for rescoring a binary shortlist.
     */
    public static long[] topKOne(float[] corpus, double[] squaredNorms, int d, float[] query, int k, long[] candidates) {
        DotProduct dp = DotProduct.best();
        double nq = dp.dot(query, 0, query, 0, d);
        int count = candidates == null ? squaredNorms.length : candidates.length;
        long[] idx = new long[k];
        double[] sim = new double[k];
        int size = 0;
        for (int c = 0; c < count; c++) {
            int i = candidates == null ? c : (int) candidates[c];
            double dot = dp.dot(query, 0, corpus, i * d, d);
            double s = nq == 0 || squaredNorms[i] == 0 ? 0.0 : dot / (Math.sqrt(nq) * Math.sqrt(squaredNorms[i]));
            // Keep the k best seen so far, sorted; equal similarity goes after existing entries unless the index is smaller.
            if (size == k && !better(s, i, sim[k - 1], idx[k - 1])) {
                continue;
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
        return size == k ? idx : java.util.Arrays.copyOf(idx, size);
    }

    private static boolean better(double s1, long i1, double s2, long i2) {
        return s1 > s2 || (s1 == s2 && i1 < i2);
    }
}
