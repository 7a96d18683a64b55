package io.binaryllm.kvcache;

/**
 * Cache policies measured on recorded attention (an encoder's, such as {@link BertEncoder}'s, or any model's): one
 * layer's queries, keys and values of a window, each query head's selection among the positions it may see (all of
 * them, or with a causal mask those up to its own) measured against exact attention into {@link SelectionStats}.
 */
public final class AttentionEval {
    private AttentionEval() {
    }

    /**
     * One layer's recorded attention: {@code q}, {@code k} and {@code v} are (tokens, heads x headSize) each, one
     * key/value head a query head.
     */
    public record Layer(int layer, int heads, float[][] q, float[][] k, float[][] v) {
    }

    /** Adds every query head's selections of one layer to {@code stats}; with {@code causal}, a query sees up to itself. */
    public static void measure(SelectionStats stats, Layer attention, KvPolicy policy, boolean causal) {
        int layer = attention.layer();
        int heads = attention.heads();
        float[][] q = attention.q();
        float[][] k = attention.k();
        float[][] v = attention.v();
        int n = q.length;
        int dim = q[0].length;
        int hs = dim / heads;
        float[] qf = flat(q);
        float[] kf = flat(k);
        float[] vf = flat(v);
        LlamaConfig c = new LlamaConfig(dim, 1, 1, heads, heads, 1, n, true);
        try (KvPolicy.Selector s = policy.open(c)) {
            for (int t = 0; t < n; t++) {
                s.keyWritten(0, t, kf, t * dim);
            }
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < n; i++) {
                    int visible = causal ? i + 1 : n;
                    int[] chosen = s.select(0, h, qf, i * dim + h * hs, visible);
                    if (chosen != null) {
                        stats.addQuery(layer, h, new SelectionStats.HeadQuery(qf, i * dim + h * hs, kf, vf, dim, h * hs, hs, visible), chosen);
                    }
                }
            }
        }
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }
}
