package io.binaryllm.kvcache;

/**
 * What a policy's selections keep of exact attention, per layer and query head, over every decoding step where the
 * policy chose (steps where it attended to everything count as exact and are not recorded):
 * <ul>
 *   <li>mass: the share of the exact softmax weight (over all cached positions) on the selected positions;</li>
 *   <li>recall: the share of the exact top-B positions by q.k (ties to the earlier position) that were selected,
 *       B the number selected;</li>
 *   <li>output error: |o - o_exact| / |o_exact| of the head's attention output, in double.</li>
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
        this.heads = c.heads();
        int n = c.layers() * c.heads();
        this.mass = new double[n];
        this.recall = new double[n];
        this.error = new double[n];
        this.steps = new long[n];
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
