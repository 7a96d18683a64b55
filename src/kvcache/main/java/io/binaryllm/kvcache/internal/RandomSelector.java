package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

/**
 * Sink and recent positions plus a uniform draw of the rest: each candidate scored by a number from the seed's
 * stream for (layer, head, step), the highest taken. With nothing between sink and recent (a window) no number is drawn.
 */
public final class RandomSelector extends ScoredSelector {
    private final Seeds seeds;

    public RandomSelector(KvBudget budget, Seeds seeds) {
        super(budget);
        this.seeds = seeds;
    }

    @Override
    public void keyWritten(int layer, int pos, float[] keys, int offset) {
    }

    @Override
    protected void score(int layer, int head, float[] q, int qOffset, int from, int to, double[] out) {
        SplitMix64 r = seeds.stream("random-cache/" + layer + "/" + head + "/" + to);
        for (int t = from; t < to; t++) {
            out[t] = r.nextDouble();
        }
    }
}
