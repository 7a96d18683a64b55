package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan.Projection;
import io.binaryllm.kvcache.internal.Heap;
import io.binaryllm.kvcache.internal.Numerics;
import io.binaryllm.kvcache.internal.ParallelMatVec;
import io.binaryllm.metric.Dot;

import java.util.Arrays;

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
    private final float[] scores;
    private final KvPolicy.Selector selector;
    private final SelectionStats stats;
    private final int positions;
    private final float[] cos; // this token's rotary row
    private final float[] sin;
    private int pos;

    Decoder(LlamaModel model, KvPolicy policy, int positions, boolean measure) {
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
        this.scores = new float[positions];
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
            model.linear(Projection.Q, l).apply(xb, 0, q, 0);
            float[] k = keys[l];
            float[] v = values[l];
            model.linear(Projection.K, l).apply(xb, 0, k, pos * kv);
            model.linear(Projection.V, l).apply(xb, 0, v, pos * kv);
            model.rope().rotate(q, 0, c.heads(), cos, sin);
            model.rope().rotate(k, pos * kv, c.kvHeads(), cos, sin);
            selector.keyWritten(l, pos, k, pos * kv);
            attend(l, k, v, hs, kv);
            model.linear(Projection.O, l).apply(xb, 0, xb2, 0);
            for (int i = 0; i < d; i++) {
                x[i] += xb2[i];
            }
            Numerics.rmsNorm(xb, x, w.rmsFfn(), l * d, d, c.rmsEps());
            model.linear(Projection.GATE, l).apply(xb, 0, hb, 0);
            model.linear(Projection.UP, l).apply(xb, 0, hb2, 0);
            Numerics.swiGlu(hb, hb2, hid);
            model.linear(Projection.DOWN, l).apply(hb, 0, xb, 0);
            for (int i = 0; i < d; i++) {
                x[i] += xb[i];
            }
        }
        Numerics.rmsNorm(xb, x, w.rmsFinal(), 0, d, c.rmsEps());
        float[] logits = new float[c.vocab()];
        ParallelMatVec.matVec(w.classifier(), 0, c.vocab(), d, xb, 0, logits, 0);
        pos++;
        return logits;
    }

    /**
     * Each query head against the cached keys of its key/value head at the positions its policy selects among
     * 0..pos (all, by default): scores q.k / sqrt(headSize), softmax over them, then their values summed in position
     * order into {@code xb}.
     */
    private void attend(int layer, float[] k, float[] v, int hs, int kv) {
        double scale = Math.sqrt(hs);
        int n = pos + 1;
        for (int h = 0; h < c.heads(); h++) {
            int kvOffset = (h / c.groupSize()) * hs;
            int[] chosen = selector.select(layer, h, q, h * hs, n);
            int m = chosen == null ? n : chosen.length;
            for (int i = 0; i < m; i++) {
                int t = chosen == null ? i : chosen[i];
                scores[i] = (float) (Dot.dot(q, h * hs, k, t * kv + kvOffset, hs) / scale);
            }
            Numerics.softmax(scores, m);
            int out = h * hs;
            Arrays.fill(xb, out, out + hs, 0f);
            for (int i = 0; i < m; i++) {
                float a = scores[i];
                int vo = (chosen == null ? i : chosen[i]) * kv + kvOffset;
                for (int j = 0; j < hs; j++) {
                    xb[out + j] += a * v[vo + j];
                }
            }
            if (stats != null && chosen != null) {
                stats.addQuery(layer, h, new SelectionStats.HeadQuery(q, h * hs, k, v, kv, kvOffset, hs, n), chosen);
            }
        }
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
