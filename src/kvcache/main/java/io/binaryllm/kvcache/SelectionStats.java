package io.binaryllm.kvcache;

import io.binaryllm.metric.Dot;

import java.util.Arrays;

/**
 * What a policy's selections keep of exact attention, per layer and query head, over every decoding step where the
 * policy chose (steps where it attended to everything count as exact and are not recorded):
 * <ul>
 *   <li>mass: the share of the exact softmax weight (over all cached positions) on the selected positions;</li>
 *   <li>recall: the share of the exact top-B positions by q.k (ties to the earlier position) that were selected,
 *       B the number selected;</li>
 *   <li>output error: |o - o_exact| / |o_exact| of the head's attention output over the selection (the same
 *       softmax renormalized over the selected positions) against exact attention, both in double.</li>
 * </ul>
 * Sums are kept in double in step order, so the means are the same bits on every run.
 */
public final class SelectionStats {
    private final int heads;
    private final double[] mass;
    private final double[] recall;
    private final double[] error;
    private final long[] steps;

    SelectionStats(LlamaConfig c) {
        this(c.layers(), c.heads());
    }

    /** Empty statistics for {@code layers} x {@code heads}. */
    public SelectionStats(int layers, int heads) {
        this.heads = heads;
        int n = layers * heads;
        this.mass = new double[n];
        this.recall = new double[n];
        this.error = new double[n];
        this.steps = new long[n];
    }

    /**
     * One head's query and the positions it may attend to: the query at {@code q[qOffset, qOffset + hs)}, position t's
     * key and value at {@code keys[t * stride + offset]} and {@code values[...]}, {@code hs} floats each, for t < n.
     */
    record HeadQuery(float[] q, int qOffset, float[] keys, float[] values, int stride, int offset, int hs, int n) {
    }

    /**
     * Measures one query's selection {@code chosen} (ascending) against exact attention and adds it to (layer, head).
     * Scores q.k / sqrt(hs) in {@link Dot}'s order; softmax, outputs and their error in double, in position order.
     */
    void addQuery(int layer, int head, HeadQuery query, int[] chosen) {
        float[] q = query.q();
        int qOffset = query.qOffset();
        float[] keys = query.keys();
        float[] values = query.values();
        int stride = query.stride();
        int offset = query.offset();
        int hs = query.hs();
        int n = query.n();
        double scale = Math.sqrt(hs);
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            s[t] = Dot.dot(q, qOffset, keys, t * stride + offset, hs) / scale;
            max = Math.max(max, s[t]);
        }
        double sum = 0;
        double[] p = new double[n];
        for (int t = 0; t < n; t++) {
            p[t] = StrictMath.exp(s[t] - max);
            sum += p[t];
        }
        double chosenSum = 0;
        for (int t : chosen) {
            chosenSum += p[t];
        }
        Integer[] order = new Integer[n];
        for (int t = 0; t < n; t++) {
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
        boolean[] top = new boolean[n];
        for (int i = 0; i < chosen.length; i++) {
            top[order[i]] = true;
        }
        int hits = 0;
        for (int t : chosen) {
            hits += top[t] ? 1 : 0;
        }
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < hs; j++) {
            double exact = 0;
            for (int t = 0; t < n; t++) {
                exact += p[t] / sum * values[t * stride + offset + j];
            }
            double selected = 0;
            for (int t : chosen) {
                selected += p[t] / chosenSum * values[t * stride + offset + j];
            }
            diff += (selected - exact) * (selected - exact);
            norm += exact * exact;
        }
        add(layer, head, chosenSum / sum, (double) hits / chosen.length, norm == 0 ? 0 : Math.sqrt(diff / norm));
    }

    void add(int layer, int head, double m, double r, double e) {
        int i = layer * heads + head;
        mass[i] += m;
        recall[i] += r;
        error[i] += e;
        steps[i]++;
    }

    /** Steps recorded for (layer, head). */
    public long steps(int layer, int head) {
        return steps[layer * heads + head];
    }

    /** Mean attention mass on the selection, for (layer, head); NaN before any step. */
    public double mass(int layer, int head) {
        return mean(mass, layer, head);
    }

    public double recall(int layer, int head) {
        return mean(recall, layer, head);
    }

    public double outputError(int layer, int head) {
        return mean(error, layer, head);
    }

    /** The mean over every recorded step of every layer and head. */
    public double meanMass() {
        return overall(mass);
    }

    public double meanRecall() {
        return overall(recall);
    }

    public double meanOutputError() {
        return overall(error);
    }

    private double mean(double[] sums, int layer, int head) {
        int i = layer * heads + head;
        return steps[i] == 0 ? Double.NaN : sums[i] / steps[i];
    }

    private double overall(double[] sums) {
        double s = 0;
        long n = 0;
        for (int i = 0; i < sums.length; i++) {
            s += sums[i];
            n += steps[i];
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
