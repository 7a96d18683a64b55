package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvPolicy;

import java.util.Arrays;

/**
 * A selector that keeps the sink and recent positions and fills the rest of the budget with the positions of highest
 * estimated score, ties to the earlier position; subclasses say how a position is scored against a query head.
 */
public abstract class ScoredSelector implements KvPolicy.Selector {
    protected final int budget;
    protected final int sink;
    protected final int recent;

    protected ScoredSelector(int budget, int sink, int recent) {
        this.budget = budget;
        this.sink = sink;
        this.recent = recent;
    }

    /**
     * Fills {@code out[from, to)} with scores of candidate positions {@code from..to-1} for query head {@code head}
     * of {@code layer}; higher is more likely attended.
     */
    protected abstract void score(int layer, int head, float[] q, int qOffset, int from, int to, double[] out);

    @Override
    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
        if (n <= budget) {
            return null;
        }
        int middle = budget - sink - recent;
        int[] out = new int[budget];
        for (int i = 0; i < sink; i++) {
            out[i] = i;
        }
        if (middle > 0) {
            int to = n - recent;
            double[] s = new double[to];
            score(layer, head, q, qOffset, sink, to, s);
            Integer[] order = new Integer[to - sink];
            for (int t = sink; t < to; t++) {
                order[t - sink] = t;
            }
            Arrays.sort(order, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
            int[] picked = new int[middle];
            for (int i = 0; i < middle; i++) {
                picked[i] = order[i];
            }
            Arrays.sort(picked);
            System.arraycopy(picked, 0, out, sink, middle);
        }
        for (int i = 0; i < recent; i++) {
            out[sink + middle + i] = n - recent + i;
        }
        return out;
    }
}
