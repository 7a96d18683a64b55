package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.KvPolicy;

import java.util.Arrays;

/**
 * A selector within a budget: everything while the context fits it; else the step's first (sink) and last (recent)
 * positions and the rest of the step's budget, which a subclass chooses from those between.
 */
public abstract class BudgetSelector implements KvPolicy.Selector {
    protected final KvBudget budget;

    protected BudgetSelector(KvBudget budget) {
        this.budget = budget;
    }

    /**
     * Fills {@code picked} (any order) with distinct positions of [from, to) for query head {@code head} of
     * {@code layer}, whose query is {@code q[qOffset...]}.
     */
    protected abstract void choose(int layer, int head, float[] q, int qOffset, int from, int to, int[] picked);

    @Override
    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
        int keys = budget.keysAt(n);
        if (n <= keys) {
            return null;
        }
        int sink = budget.sinkAt(n);
        int recent = budget.recentAt(n);
        int[] picked = new int[Math.max(0, keys - sink - recent)];
        if (picked.length > 0) {
            choose(layer, head, q, qOffset, sink, n - recent, picked);
        }
        return assemble(sink, picked, recent, n);
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
