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
     * (similarity desc, index asc), the same tie rule as Hamming search.
     */
    public static long[][] topK(FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries, int k) {
        if (k < 1 || k > corpus.rows()) {
            throw new IllegalArgumentException("k must be in [1, " + corpus.rows() + "], got " + k);
        }
        long n = corpus.rows();
        long[][] out = new long[Math.toIntExact(queries.rows())][];
        float[] row = new float[corpus.dims()];
        for (int q = 0; q < out.length; q++) {
            float[] query = queries.row(q);
            // Bounded selection: keep the k best seen so far, sorted; ascending index order breaks ties for free.
            long[] idx = new long[k];
            double[] sim = new double[k];
            int size = 0;
            for (long i = 0; i < n; i++) {
                corpus.copyRow(i, row);
                double s = similarity(query, row);
                if (size == k && !(s > sim[k - 1])) {
                    continue;
                }
                int pos = size == k ? k - 1 : size++;
                while (pos > 0 && s > sim[pos - 1]) {
                    sim[pos] = sim[pos - 1];
                    idx[pos] = idx[pos - 1];
                    pos--;
                }
                sim[pos] = s;
                idx[pos] = i;
            }
            out[q] = idx;
        }
        return out;
    }
}
