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
        int[] picked = new int[Math.max(0, middle)];
        if (middle > 0) {
            int to = n - recent;
            double[] s = new double[to];
            score(layer, head, q, qOffset, sink, to, s);
            top(s, sink, to, picked);
        }
        return assemble(sink, picked, recent, n);
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

    /** Positions 0..sink-1, the {@code picked} ones (sorted here), and n-recent..n-1, ascending. */
    public static int[] assemble(int sink, int[] picked, int recent, int n) {
        int[] out = new int[sink + picked.length + recent];
        for (int i = 0; i < sink; i++) {
            out[i] = i;
        }
        int[] middle = picked.clone();
        Arrays.sort(middle);
        System.arraycopy(middle, 0, out, sink, middle.length);
        for (int i = 0; i < recent; i++) {
            out[sink + middle.length + i] = n - recent + i;
        }
        return out;
    }
}
