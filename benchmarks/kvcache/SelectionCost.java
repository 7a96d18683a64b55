import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.KvPolicies;
import io.binaryllm.kvcache.KvPolicy;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.metric.Dot;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What choosing keys costs against the attention it replaces, per decoded token and layer: a cache of n random keys
 * (head size HS, H query heads on KV key/value heads); full attention over n (q.k in Dot's order, softmax, values) for
 * every head, against a policy's selection of B = n/4 for every head plus attention over those B. Usage
 * (benchmarks/selection-cost.sh): SelectionCost HS H KV N... (backends: every available one).
 */
public class SelectionCost {
    public static void main(String[] a) {
        int hs = Integer.parseInt(a[0]);
        int heads = Integer.parseInt(a[1]);
        int kvHeads = Integer.parseInt(a[2]);
        String[] backends = a[3].split(",");
        for (int i = 4; i < a.length; i++) {
            int n = Integer.parseInt(a[i]);
            LlamaConfig c = new LlamaConfig(hs * heads, 4, 1, heads, kvHeads, 8, n, true);
            SplittableRandom r = new SplittableRandom(n);
            float[] keys = new float[n * c.kvDim()];
            float[] values = new float[n * c.kvDim()];
            for (int j = 0; j < keys.length; j++) {
                keys[j] = (float) r.nextGaussian();
                values[j] = (float) r.nextGaussian();
            }
            float[] q = new float[c.dim()];
            for (int j = 0; j < q.length; j++) {
                q[j] = (float) r.nextGaussian();
            }
            int budget = n / 4;
            double full = time(() -> attend(c, q, keys, values, n, null, null));
            System.out.printf(Locale.ROOT, "| %d | %d | full attention | %.1f | 1.00 |%n", n, budget, full);
            for (String b : backends) {
                row(c, KvPolicies.binary(KvBudget.positions(budget, 4, budget / 4), "sign", null, 0, b), "binary sign, " + b, q, keys, values, n, full);
            }
            row(c, KvPolicies.binary(KvBudget.positions(budget, 4, budget / 4), "sign", null, false, 2, 0, "native"),
                    "binary sign re-ranked x2 by q.k, native", q, keys, values, n, full);
            row(c, KvPolicies.binaryAsym(budget, 4, budget / 4, 64, 0), "binary-asym 64", q, keys, values, n, full);
            row(c, KvPolicies.binaryAsym(budget, 4, budget / 4, 128, 0), "binary-asym 128", q, keys, values, n, full);
            row(c, KvPolicies.pages(budget, 4, budget / 4, 16), "pages 16", q, keys, values, n, full);
        }
    }

    private static void row(LlamaConfig c, KvPolicy p, String name, float[] q, float[] keys, float[] values, int n, double full) {
        try (KvPolicy.Selector s = p.open(c)) {
            for (int t = 0; t < n; t++) {
                s.keyWritten(0, t, keys, t * c.kvDim());
            }
            int[][] chosen = new int[c.heads()][];
            double select = time(() -> {
                for (int h = 0; h < c.heads(); h++) {
                    chosen[h] = s.select(0, h, q, h * c.headSize(), n);
                }
            });
            double attend = time(() -> attend(c, q, keys, values, n, chosen, null));
            System.out.printf(Locale.ROOT, "| %d | %d | %s: select + attend | %.1f + %.1f | %.2f |%n", n, n / 4, name, select, attend,
                    (select + attend) / full);
        }
    }

    /** Attention of every head over all n positions or over {@code chosen[h]}. */
    private static void attend(LlamaConfig c, float[] q, float[] k, float[] v, int n, int[][] chosen, float[] sink) {
        int hs = c.headSize();
        int kv = c.kvDim();
        float[] scores = new float[n];
        float[] out = new float[hs];
        double scale = Math.sqrt(hs);
        for (int h = 0; h < c.heads(); h++) {
            int kvOffset = (h / c.groupSize()) * hs;
            int[] pick = chosen == null ? null : chosen[h];
            int m = pick == null ? n : pick.length;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                int t = pick == null ? i : pick[i];
                scores[i] = (float) (Dot.dot(q, h * hs, k, t * kv + kvOffset, hs) / scale);
                max = Math.max(max, scores[i]);
            }
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += scores[i] = (float) StrictMath.exp(scores[i] - max);
            }
            java.util.Arrays.fill(out, 0f);
            for (int i = 0; i < m; i++) {
                float w = (float) (scores[i] / sum);
                int vo = (pick == null ? i : pick[i]) * kv + kvOffset;
                for (int j = 0; j < hs; j++) {
                    out[j] += w * v[vo + j];
                }
            }
        }
    }

    /** Microseconds a call: the median of 15 timed rounds after warm-up. */
    private static double time(Runnable task) {
        for (int i = 0; i < 200; i++) {
            task.run();
        }
        double[] t = new double[15];
        for (int r = 0; r < t.length; r++) {
            int calls = 20;
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                task.run();
            }
            t[r] = (System.nanoTime() - t0) / 1e3 / calls;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
