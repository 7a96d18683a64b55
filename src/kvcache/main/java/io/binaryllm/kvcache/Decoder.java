package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan.Projection;
import io.binaryllm.kvcache.internal.Heap;
import io.binaryllm.kvcache.internal.Linear;
import io.binaryllm.kvcache.internal.Numerics;
import io.binaryllm.kvcache.internal.ParallelMatVec;
import io.binaryllm.kvcache.internal.WorkerTeam;
import io.binaryllm.metric.Dot;

/**
 * Token-by-token decoding with a KV cache: {@link #next(int)} feeds one token at the next position and returns the
 * logits for the token after it. The forward pass is llama2.c's ({@code run.c}): RMSNorm, rotary positions on queries
 * and keys, grouped-query attention over every cached position, SwiGLU, a final RMSNorm and the classifier. Every sum
 * runs in a fixed order ({@link Dot}, {@link Numerics}), so two decoders fed the same tokens return the same bits, on
 * any machine. Which cached positions a query head attends to is its {@link KvPolicy}'s choice (all of them by
 * default); keys and values stay in full precision either way. Not thread-safe: one decoder per sequence; close it
 * to release its policy's resources (a search backend).
 */
public final class Decoder implements AutoCloseable {
    private final LlamaModel model;
    private final LlamaConfig c;
    private final float[][] keys;    // per layer: (seqLen, kvDim), rotated
    private final float[][] values;  // per layer: (seqLen, kvDim)
    private final float[] x;
    private final float[] xb;
    private final float[] xb2;
    private final float[] q;
    private final float[] hb;
    private final float[] hb2;
    private final float[][] scores;  // per team part: (positions) one head's attention weights
    private final double[][] dots;   // per team part: (positions) one head's q.k, then its exponentials
    private final WorkerTeam team;
    private final Linear.Input normed;    // xb as the projections q, k, v, gate and up read it
    private final Linear.Input attended;  // xb after attention, o's input
    private final Linear.Input swiglu;    // hb, down's input
    private final int[][] sums;           // per product of a range (q, k, v; gate, up): its integer sums' scratch
    private final KvPolicy.Selector selector;
    private final SelectionStats stats;
    private final int positions;
    private final float[] cos; // this token's rotary row
    private final float[] sin;
    private int pos;

    Decoder(LlamaModel model, KvPolicy policy, int positions, boolean measure) {
        this(model, policy, positions, measure, WorkerTeam.shared());
    }

    /** A decoder whose products and heads run on {@code team}: the same bits on any team. */
    Decoder(LlamaModel model, KvPolicy policy, int positions, boolean measure, WorkerTeam team) {
        this.team = team;
        LlamaConfig config = model.config();
        if (positions < 1 || positions > config.seqLen()) {
            throw new BadArgumentException("positions", "a cache holds 1 to " + config.seqLen() + " positions (seq_len), got " + positions);
        }
        // Keys and values of every layer, in float: a model's full context (131,072 positions for some GGUF models)
        // may be far more than the heap; refuse it in words rather than with an OutOfMemoryError.
        long bytes = 2L * config.layers() * positions * config.kvDim() * Float.BYTES;
        if ((long) positions * config.kvDim() > Integer.MAX_VALUE - 8 || bytes > Heap.available()) {
            throw new BadArgumentException("positions", "a cache of " + positions + " positions needs " + Heap.mb(bytes)
                    + " MB, this JVM has " + Heap.mb(Heap.available()) + " MB free: decode fewer positions or give it more heap");
        }
        this.model = model;
        this.positions = positions;
        this.c = config;
        this.selector = policy.open(config.withSeqLen(positions));
        this.stats = measure ? new SelectionStats(config) : null;
        this.keys = new float[c.layers()][positions * c.kvDim()];
        this.values = new float[c.layers()][positions * c.kvDim()];
        this.x = new float[c.dim()];
        this.xb = new float[c.dim()];
        this.xb2 = new float[c.dim()];
        this.q = new float[c.dim()];
        this.hb = new float[c.hiddenDim()];
        this.hb2 = new float[c.hiddenDim()];
        this.scores = new float[team.threads()][positions];
        this.dots = new double[team.threads()][positions];
        this.normed = new Linear.Input(c.dim());
        this.attended = new Linear.Input(c.dim());
        this.swiglu = new Linear.Input(c.hiddenDim());
        this.sums = new int[3][];
        for (int slot = 0; slot < 3; slot++) {
            int most = 0;
            for (int l = 0; l < c.layers(); l++) {
                for (Projection p : Projection.values()) {
                    most = Math.max(most, model.linear(p, l).sumsLength());
                }
            }
            sums[slot] = new int[most];
        }
        this.cos = new float[model.rope().half()];
        this.sin = new float[model.rope().half()];
    }

    /** The position the next token goes to (the number of tokens fed so far). */
    public int position() {
        return pos;
    }

    /** Feeds {@code token} at {@link #position()} and returns the logits (vocab) of the next token. */
    public float[] next(int token) {
        if (token < 0 || token >= c.vocab()) {
            throw new BadArgumentException("token", "token must be between 0 and " + (c.vocab() - 1) + ", got " + token);
        }
        if (pos >= positions) {
            throw new BadArgumentException("token", "the context is full: " + positions + " positions"
                    + (positions == c.seqLen() ? " (seq_len)" : " (the cache's size)"));
        }
        LlamaModel.Weights w = model.weights();
        int d = c.dim();
        int kv = c.kvDim();
        int hs = c.headSize();
        int hid = c.hiddenDim();
        System.arraycopy(w.embedding(), token * d, x, 0, d);
        model.rope().row(pos, cos, sin);
        for (int l = 0; l < c.layers(); l++) {
            Numerics.rmsNorm(xb, x, w.rmsAtt(), l * d, d, c.rmsEps());
            float[] k = keys[l];
            float[] v = values[l];
            qkv(l, k, v, d, kv);
            model.rope().rotate(q, 0, c.heads(), cos, sin);
            model.rope().rotate(k, pos * kv, c.kvHeads(), cos, sin);
            selector.keyWritten(l, pos, k, pos * kv);
            attend(l, k, v, hs, kv);
            project(model.linear(Projection.O, l), attended.of(xb, 0), xb2);
            for (int i = 0; i < d; i++) {
                x[i] += xb2[i];
            }
            Numerics.rmsNorm(xb, x, w.rmsFfn(), l * d, d, c.rmsEps());
            gateUp(l, hid);
            project(model.linear(Projection.DOWN, l), swiglu.of(hb, 0), xb);
            for (int i = 0; i < d; i++) {
                x[i] += xb[i];
            }
        }
        Numerics.rmsNorm(xb, x, w.rmsFinal(), 0, d, c.rmsEps());
        float[] logits = new float[c.vocab()];
        ParallelMatVec.matVec(team, w.classifier(), 0, c.vocab(), d, xb, 0, logits, 0);
        pos++;
        return logits;
    }

    /**
     * q, and this position's key and value rows: the three products as one range of rows over the team (xb quantized
     * once for the low-bit ones).
     */
    private void qkv(int l, float[] k, float[] v, int d, int kv) {
        Linear lq = model.linear(Projection.Q, l);
        Linear lk = model.linear(Projection.K, l);
        Linear lv = model.linear(Projection.V, l);
        normed.of(xb, 0);
        lq.prepare(normed);
        lk.prepare(normed);
        lv.prepare(normed);
        int at = pos * kv;
        team.run(d + 2 * kv, 8, lq.work() + lk.work() + lv.work() >= WorkerTeam.SPLIT_FROM, (part, from, to) -> {
            rows(lq, q, 0, from, to, 0, d, sums[0]);
            rows(lk, k, at, from, to, d, kv, sums[1]);
            rows(lv, v, at, from, to, d + kv, kv, sums[2]);
        });
    }

    /** Rows [from, to) of the range that fall in a product whose rows are range items [base, base + rows). */
    private void rows(Linear p, float[] out, int outOffset, int from, int to, int base, int rows, int[] scratch) {
        int a = Math.max(from, base);
        int b = Math.min(to, base + rows);
        if (a < b) {
            p.applyRows(normed, out, outOffset, a - base, b - base, scratch);
        }
    }

    /** out = p in, its rows as one range over the team. */
    private void project(Linear p, Linear.Input in, float[] out) {
        p.prepare(in);
        team.run(p.rows(), 8, p.work() >= WorkerTeam.SPLIT_FROM,
                (part, from, to) -> p.applyRows(in, out, 0, from, to, sums[0]));
    }

    /** hb = silu(gate xb) * (up xb): gate's and up's rows and SwiGLU as one range over the hidden units. */
    private void gateUp(int l, int hid) {
        Linear gate = model.linear(Projection.GATE, l);
        Linear up = model.linear(Projection.UP, l);
        normed.of(xb, 0);
        gate.prepare(normed);
        up.prepare(normed);
        team.run(hid, 8, gate.work() + up.work() >= WorkerTeam.SPLIT_FROM, (part, from, to) -> {
            gate.applyRows(normed, hb, 0, from, to, sums[0]);
            up.applyRows(normed, hb2, 0, from, to, sums[1]);
            Numerics.swiGlu(hb, hb2, from, to, dots[part]);
        });
    }

    /**
     * Each query head against the cached keys of its key/value head at the positions its policy selects among
     * 0..pos (all, by default): scores q.k / sqrt(headSize), softmax over them, then their values summed in position
     * order into {@code xb}. Heads are independent: with a policy that selects every position and nothing to measure,
     * they run as one range over the team.
     */
    private void attend(int layer, float[] k, float[] v, int hs, int kv) {
        int n = pos + 1;
        if (selector.selectsAll() && stats == null) {
            team.run(c.heads(), 1, 2L * c.heads() * n * hs >= WorkerTeam.SPLIT_FROM, (part, from, to) -> {
                for (int h = from; h < to; h++) {
                    head(layer, h, null, n, k, v, hs, kv, part);
                }
            });
            return;
        }
        for (int h = 0; h < c.heads(); h++) {
            int[] chosen = selector.select(layer, h, q, h * hs, n);
            head(layer, h, chosen, n, k, v, hs, kv, 0);
            if (stats != null && chosen != null) {
                stats.addQuery(layer, h, new SelectionStats.HeadQuery(q, h * hs, k, v, kv, (h / c.groupSize()) * hs, hs, n), chosen);
            }
        }
    }

    /** One query head over its {@code chosen} positions (all n when null), into xb[h * hs, +hs), on part's scratch. */
    private void head(int layer, int h, int[] chosen, int n, float[] k, float[] v, int hs, int kv, int part) {
        double scale = Math.sqrt(hs);
        int kvOffset = (h / c.groupSize()) * hs;
        float[] sc = scores[part];
        double[] e = dots[part];
        int m = chosen == null ? n : chosen.length;
        if (chosen == null) {
            Dot.dots(q, h * hs, k, kvOffset, kv, n, hs, e, 0);
        } else {
            for (int i = 0; i < m; i++) {
                e[i] = Dot.dot(q, h * hs, k, chosen[i] * kv + kvOffset, hs);
            }
        }
        for (int i = 0; i < m; i++) {
            sc[i] = (float) (e[i] / scale);
        }
        Numerics.softmax(sc, m, e);
        Dot.weightedRows(sc, m, chosen, v, kvOffset, kv, hs, xb, h * hs);
    }

    /** What the policy's selections kept of exact attention so far; null unless the decoder was opened to measure. */
    public SelectionStats stats() {
        return stats;
    }

    @Override
    public void close() {
        selector.close();
    }
}
