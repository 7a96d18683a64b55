package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.metric.Dot;

/**
 * The oracle: candidates scored by the exact q.k (core's fixed-order {@link Dot}) against the float keys in the
 * decoder's key cache. What any selection by estimated score can at best reach within the same budget.
 */
public final class ExactSelector extends ScoredSelector {
    private final LlamaConfig c;
    private final float[][] cache; // [layer]: the decoder's key cache

    public ExactSelector(LlamaConfig config, KvBudget budget) {
        super(budget);
        this.c = config;
        this.cache = new float[config.layers()][];
    }

    @Override
    public void keyWritten(int layer, int pos, float[] keys, int offset) {
        cache[layer] = keys;
    }

    @Override
    protected void score(int layer, int head, float[] q, int qOffset, int from, int to, double[] out) {
        int kv = c.kvDim();
        int at = (head / c.groupSize()) * c.headSize();
        for (int t = from; t < to; t++) {
            out[t] = Dot.dot(q, qOffset, cache[layer], t * kv + at, c.headSize());
        }
    }
}
