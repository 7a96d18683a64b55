package io.binaryllm.metric;

import io.binaryllm.data.FloatEmbeddingBatch;

/**
 * Cosine similarity, computed in double (products and sums left to right) so float baselines are reproducible.
 * A zero vector has similarity 0 with everything: there is no direction to compare.
 */
public final class Cosine {
    private Cosine() {
    }

    public static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
        }
        return na == 0 || nb == 0 ? 0.0 : dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    /**
     * The exact float baseline: for each query, the k corpus rows of highest cosine similarity, ordered by
     * (similarity desc, index asc), the same tie rule as Hamming search. Norms are computed once (by the same
     * left-to-right sums as {@link #similarity}, so the values are identical) and queries run in parallel.
     */
    public static long[][] topK(FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries, int k) {
        if (k < 1 || k > corpus.rows()) {
            throw new IllegalArgumentException("k must be in [1, " + corpus.rows() + "], got " + k);
        }
        int n = Math.toIntExact(corpus.rows());
        int d = corpus.dims();
        float[] flat = new float[Math.multiplyExact(n, d)];
        java.lang.foreign.MemorySegment.copy(corpus.segment(), FloatEmbeddingBatch.F32, 0, flat, 0, flat.length);
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) flat[i * d + j] * flat[i * d + j];
            }
            norms[i] = s;
        }
        long[][] out = new long[Math.toIntExact(queries.rows())][];
        java.util.stream.IntStream.range(0, out.length).parallel().forEach(q -> out[q] = topKOne(flat, norms, d, queries.row(q), k, null));
        return out;
    }

    /**
     * The top k of {@code query} among the corpus rows {@code candidates} (all rows when null), by (similarity
     * desc, index asc). Used for the float baseline and for rescoring a binary shortlist.
     */
    public static long[] topKOne(float[] corpus, double[] squaredNorms, int d, float[] query, int k, long[] candidates) {
        double nq = 0;
        for (float v : query) {
            nq += (double) v * v;
        }
        int count = candidates == null ? squaredNorms.length : candidates.length;
        long[] idx = new long[k];
        double[] sim = new double[k];
        int size = 0;
        for (int c = 0; c < count; c++) {
            int i = candidates == null ? c : (int) candidates[c];
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += (double) query[j] * corpus[i * d + j];
            }
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
