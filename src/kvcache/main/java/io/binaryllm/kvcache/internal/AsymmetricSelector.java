package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.metric.Dot;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

/**
 * QJL's asymmetric estimate of q.k: each key, when written, keeps the signs of {@code bits} seeded Gaussian
 * projections and its norm; a float query, projected the same way, scores a key by |k| * (Sq . sign(Sk)) (the
 * constant sqrt(pi/2)/m does not change the order). Sums in {@link Dot}'s fixed order.
 */
public final class AsymmetricSelector extends ScoredSelector {
    private final LlamaConfig c;
    private final int bits;
    private final float[] projection; // (bits, headSize), shared by every layer and head
    private final float[][][] signs;  // [layer][kvHead][position * bits + i]: +1 or -1
    private final float[][][] norms;  // [layer][kvHead][position]

    public AsymmetricSelector(LlamaConfig config, KvBudget budget, int bits, Seeds seeds) {
        super(budget);
        this.c = config;
        this.bits = bits;
        int hs = config.headSize();
        this.projection = new float[bits * hs];
        SplitMix64 r = seeds.stream("kv-cache/qjl");
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) r.nextGaussian();
        }
        this.signs = new float[config.layers()][config.kvHeads()][config.seqLen() * bits];
        this.norms = new float[config.layers()][config.kvHeads()][config.seqLen()];
    }

    @Override
    public void keyWritten(int layer, int pos, float[] keys, int offset) {
        int hs = c.headSize();
        float[] projected = new float[bits];
        for (int h = 0; h < c.kvHeads(); h++) {
            int at = offset + h * hs;
            Dot.matVec(projection, 0, bits, hs, keys, at, projected, 0);
            for (int i = 0; i < bits; i++) {
                signs[layer][h][pos * bits + i] = projected[i] > 0 ? 1f : -1f;
            }
            norms[layer][h][pos] = (float) Math.sqrt(Dot.dot(keys, at, keys, at, hs));
        }
    }

    @Override
    protected void score(int layer, int head, float[] q, int qOffset, int from, int to, double[] out) {
        float[] projected = new float[bits];
        Dot.matVec(projection, 0, bits, c.headSize(), q, qOffset, projected, 0);
        int kvh = head / c.groupSize();
        for (int t = from; t < to; t++) {
            out[t] = norms[layer][kvh][t] * Dot.dot(projected, 0, signs[layer][kvh], t * bits, bits);
        }
    }
}
