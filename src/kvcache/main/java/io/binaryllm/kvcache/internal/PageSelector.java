package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.KvPolicy;
import io.binaryllm.kvcache.LlamaConfig;

import java.util.Arrays;

/**
 * Quest's pages: positions in pages of {@code page} from position 0; each page keeps the elementwise minimum and
 * maximum of its keys, and a query bounds a page's best q.k among the candidates (the positions between the step's
 * sink and recent ones) by sum_j max(q_j * min_j, q_j * max_j) (in double, in dimension order; a page the sink or
 * the recent positions cut is bounded over its candidates only). Pages' candidates are taken by (bound desc, page
 * asc) while they fit the budget beside the sink and recent positions; a page that does not fit is skipped, so a
 * query may attend to fewer positions than the budget.
 */
public final class PageSelector implements KvPolicy.Selector {
    private final LlamaConfig c;
    private final KvBudget budget;
    private final int page;
    private final float[][] keys; // [layer][position * kvDim + j]
    private final float[][] lows;  // [layer][page * kvDim + j]: the minimum of the page's keys written so far
    private final float[][] highs; // [layer][page * kvDim + j]: the maximum

    public PageSelector(LlamaConfig config, KvBudget budget, int page) {
        this.c = config;
        this.budget = budget;
        this.page = page;
        this.keys = new float[config.layers()][config.seqLen() * config.kvDim()];
        int pages = (config.seqLen() + page - 1) / page;
        this.lows = new float[config.layers()][pages * config.kvDim()];
        this.highs = new float[config.layers()][pages * config.kvDim()];
        for (int l = 0; l < config.layers(); l++) {
            Arrays.fill(lows[l], Float.POSITIVE_INFINITY);
            Arrays.fill(highs[l], Float.NEGATIVE_INFINITY);
        }
    }

    @Override
    public void keyWritten(int layer, int pos, float[] k, int offset) {
        int kv = c.kvDim();
        System.arraycopy(k, offset, keys[layer], pos * kv, kv);
        int at = pos / page * kv; // a page's bounds kept as its keys arrive: a query then reads them instead of the keys
        for (int j = 0; j < kv; j++) {
            lows[layer][at + j] = Math.min(lows[layer][at + j], k[offset + j]);
            highs[layer][at + j] = Math.max(highs[layer][at + j], k[offset + j]);
        }
    }

    @Override
    public int[] select(int layer, int head, float[] q, int qOffset, int n) {
        int attended = budget.keysAt(n);
        if (n <= attended) {
            return null;
        }
        int sink = budget.sinkAt(n);
        int recent = budget.recentAt(n);
        int to = n - recent;
        int first = sink / page;
        int pages = Math.max(0, (to + page - 1) / page - first); // pages first, first + 1, ... holding candidates
        int hs = c.headSize();
        int kv = c.kvDim();
        int kvOffset = (head / c.groupSize()) * hs;
        double[] bound = new double[pages];
        for (int p = 0; p < pages; p++) {
            int start = Math.max(sink, (first + p) * page);
            int end = Math.min(to, (first + p + 1) * page);
            boolean whole = start == (first + p) * page && end == start + page; // a cut page: bounded over its candidates
            double b = 0;
            for (int j = 0; j < hs; j++) {
                float lo;
                float hi;
                if (whole) {
                    lo = lows[layer][(first + p) * kv + kvOffset + j];
                    hi = highs[layer][(first + p) * kv + kvOffset + j];
                } else {
                    lo = Float.POSITIVE_INFINITY;
                    hi = Float.NEGATIVE_INFINITY;
                    for (int t = start; t < end; t++) {
                        float v = keys[layer][t * kv + kvOffset + j];
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                double qj = q[qOffset + j];
                b += Math.max(qj * lo, qj * hi);
            }
            bound[p] = b;
        }
        Integer[] order = new Integer[pages];
        for (int p = 0; p < pages; p++) {
            order[p] = p;
        }
        Arrays.sort(order, (a, b) -> bound[a] != bound[b] ? Double.compare(bound[b], bound[a]) : Integer.compare(a, b));
        boolean[] take = new boolean[n];
        int room = attended - sink - recent;
        for (int p : order) {
            int start = Math.max(sink, (first + p) * page);
            int end = Math.min(to, (first + p + 1) * page);
            if (end - start <= room) {
                room -= end - start;
                for (int t = start; t < end; t++) {
                    take[t] = true;
                }
            }
        }
        for (int t = 0; t < sink; t++) {
            take[t] = true;
        }
        for (int t = to; t < n; t++) {
            take[t] = true;
        }
        int count = 0;
        for (boolean b : take) {
            count += b ? 1 : 0;
        }
        int[] out = new int[count];
        for (int t = 0, i = 0; t < n; t++) {
            if (take[t]) {
                out[i++] = t;
            }
        }
        return out;
    }
}
