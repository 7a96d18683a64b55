package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;

import java.util.Arrays;

/**
 * A selector that fills the budget between sink and recent positions with the positions of highest estimated score,
 * ties to the earlier position; subclasses say how a position is scored against a query head.
 */
public abstract class ScoredSelector extends BudgetSelector {
    protected ScoredSelector(KvBudget budget) {
        super(budget);
    }

    /**
     * Fills {@code out[from, to)} with scores of candidate positions {@code from..to-1} for query head {@code head}
     * of {@code layer}; higher is more likely attended.
     */
    protected abstract void score(int layer, int head, float[] q, int qOffset, int from, int to, double[] out);

    @Override
    protected void choose(int layer, int head, float[] q, int qOffset, int from, int to, int[] picked) {
        double[] s = new double[to];
        score(layer, head, q, qOffset, from, to, s);
        top(s, from, to, picked);
    }

    /**
     * The {@code out.length} positions of [from, to) of highest score, ties to the earlier position: the
     * out.length-th highest score found by a primitive sort of a copy, then the positions above it and the first ones
     * equal to it, in position order (no boxed comparator: this runs for every head and token).
     */
    static void top(double[] s, int from, int to, int[] out) {
        double[] sorted = Arrays.copyOfRange(s, from, to);
        Arrays.sort(sorted);
        double threshold = sorted[sorted.length - out.length];
        int above = 0;
        for (int t = from; t < to; t++) {
            above += Double.compare(s[t], threshold) > 0 ? 1 : 0;
        }
        int ties = out.length - above;
        int i = 0;
        for (int t = from; t < to; t++) {
            int c = Double.compare(s[t], threshold);
            if (c > 0 || c == 0 && ties-- > 0) {
                out[i++] = t;
            }
        }
    }
}
