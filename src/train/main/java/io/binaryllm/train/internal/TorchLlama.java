package io.binaryllm.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.BitLinearPlan.Projection;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The Llama architecture written once more, in PyTorch tensors, so that it can be trained: the same computation as
 * the KV cache's Java decoder (RMSNorm with epsilon 1e-5 before attention and feed-forward, llama2.c's rotary form on
 * adjacent dimension pairs, causal softmax attention scaled by 1/sqrt(head size), SwiGLU, a final RMSNorm and a
 * classifier shared with the embedding), evaluated for a whole batch of windows at once. Under a low-bit plan
 * ({@link #quantize}) the projections are BitNet's layers ({@link TorchBitLinear}): quantized in the forward pass as the
 * decoder quantizes them, trained through straight-through gradients on float latent weights. Projections are held as
 * (in, out) so that activations multiply them from the left; {@link #export} transposes them to llama2.c's (out, in).
 * The model's arrays live in the manager given at construction; a step's intermediates in the step's own manager
 * (the parameters are attached to it for the step, so that every result of an operation lands there and is freed).
 */
public final class TorchLlama {
    private final LlamaConfig c;
    private final NDArray embedding;          // (vocab, dim)
    private final NDArray[] rmsAtt, rmsFfn;   // (dim) each layer
    private final NDArray[] wq, wk, wv, wo;   // (dim, dim) / (dim, kvDim), as (in, out)
    private final NDArray[] w1, w2, w3;       // (dim, hidden), (hidden, dim), (dim, hidden)
    private final NDArray rmsFinal;           // (dim)
    private final List<Named> parameters = new ArrayList<>();
    private BitLinearPlan layers = BitLinearPlan.allFloat();

    /** A trainable array, its name in llama2.c's order, and whether weight decay applies (matrices only). */
    public record Named(String name, NDArray array, boolean decays) {
    }

    /**
     * Where the parameters start: a matrix by its llama2.c name ({@code embedding} (vocab, dim); {@code wq ... w3} of
     * {@code layer} as (in, out)), a norm's weights as (dim); called in llama2.c's order, once each.
     */
    private interface Start {
        NDArray matrix(String name, int layer, int in, int out);

        NDArray norm(String name, int layer, int dim);
    }

    /**
     * Llama2.c's initialization (train.py): weights normal with standard deviation 0.02, the residual projections (wo,
     * w2) 0.02 / sqrt(2 layers), norms 1; drawn from the {@code train/init} stream of {@code seed}'s {@link Seeds}
     * (StrictMath Box-Muller) so that the start does not depend on PyTorch's generator.
     */
    public TorchLlama(NDManager manager, LlamaConfig config, long seed) {
        this(manager, requireNoGqa(config), new Start() {
            private final SplitMix64 r = new Seeds(seed).stream("train/init");
            private final double residual = 0.02 / Math.sqrt(2.0 * config.layers());

            @Override
            public NDArray matrix(String name, int layer, int in, int out) {
                return normal(manager, r, name.equals("wo") || name.equals("w2") ? residual : 0.02, in, out);
            }

            @Override
            public NDArray norm(String name, int layer, int dim) {
                return manager.ones(new Shape(dim));
            }
        });
    }

    /** The weights of {@code model} (a float model, in llama2.c's layout), to train further. */
    public TorchLlama(NDManager manager, LlamaModel model) {
        this(manager, requireContinuable(model), new Start() {
            private final LlamaModel.Weights w = model.weights();

            @Override
            public NDArray matrix(String name, int layer, int in, int out) {
                if (name.equals("embedding")) {
                    return manager.create(w.embedding(), new Shape(in, out));
                }
                float[] stacked = switch (name) {
                    case "wq" -> w.wq();
                    case "wk" -> w.wk();
                    case "wv" -> w.wv();
                    case "wo" -> w.wo();
                    case "w1" -> w.w1();
                    case "w2" -> w.w2();
                    default -> w.w3();
                };
                float[] v = new float[in * out]; // the layer's (out, in) matrix, transposed
                int at = layer * in * out;
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        v[i * out + o] = stacked[at + o * in + i];
                    }
                }
                return manager.create(v, new Shape(in, out));
            }

            @Override
            public NDArray norm(String name, int layer, int dim) {
                float[] stacked = switch (name) {
                    case "rmsAtt" -> w.rmsAtt();
                    case "rmsFfn" -> w.rmsFfn();
                    default -> w.rmsFinal();
                };
                return manager.create(java.util.Arrays.copyOfRange(stacked, layer * dim, (layer + 1) * dim), new Shape(dim));
            }
        });
    }

    private TorchLlama(NDManager manager, LlamaConfig config, Start start) {
        this.c = config;
        int d = c.dim(), h = c.hiddenDim(), l = c.layers(), kv = c.kvDim();
        embedding = add(manager, "embedding", start.matrix("embedding", 0, c.vocab(), d), true);
        rmsAtt = new NDArray[l];
        rmsFfn = new NDArray[l];
        wq = new NDArray[l];
        wk = new NDArray[l];
        wv = new NDArray[l];
        wo = new NDArray[l];
        w1 = new NDArray[l];
        w2 = new NDArray[l];
        w3 = new NDArray[l];
        for (int i = 0; i < l; i++) {
            rmsAtt[i] = add(manager, "rmsAtt" + i, start.norm("rmsAtt", i, d), false);
            wq[i] = add(manager, "wq" + i, start.matrix("wq", i, d, d), true);
            wk[i] = add(manager, "wk" + i, start.matrix("wk", i, d, kv), true);
            wv[i] = add(manager, "wv" + i, start.matrix("wv", i, d, kv), true);
            wo[i] = add(manager, "wo" + i, start.matrix("wo", i, d, d), true);
            rmsFfn[i] = add(manager, "rmsFfn" + i, start.norm("rmsFfn", i, d), false);
            w1[i] = add(manager, "w1" + i, start.matrix("w1", i, d, h), true);
            w2[i] = add(manager, "w2" + i, start.matrix("w2", i, h, d), true);
            w3[i] = add(manager, "w3" + i, start.matrix("w3", i, d, h), true);
        }
        rmsFinal = add(manager, "rmsFinal", start.norm("rmsFinal", 0, d), false);
    }

    private static LlamaConfig requireNoGqa(LlamaConfig config) {
        if (config.kvHeads() != config.heads()) {
            throw new BadArgumentException("config", "the trainer has no grouped-query attention: kvHeads "
                    + config.kvHeads() + " must equal heads " + config.heads());
        }
        return config;
    }

    private static LlamaConfig requireContinuable(LlamaModel model) {
        LlamaConfig config = model.config();
        if (config.kvHeads() != config.heads() || !config.sharedClassifier() || model.plan().isLowBit()) {
            throw new BadArgumentException("init", "the trainer continues float models with a shared classifier and no grouped-query "
                    + "attention; this one has " + config.kvHeads() + " key/value heads of " + config.heads()
                    + (config.sharedClassifier() ? "" : ", its own classifier") + (model.plan().isLowBit() ? ", low-bit layers" : ""));
        }
        return config;
    }

    private NDArray add(NDManager manager, String name, NDArray a, boolean decays) {
        a.setRequiresGradient(true);
        parameters.add(new Named(name, a, decays));
        return a;
    }

    private static NDArray normal(NDManager m, SplitMix64 r, double std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * r.nextGaussian());
        }
        return m.create(v, new Shape(rows, cols));
    }

    public LlamaConfig config() {
        return c;
    }

    public List<Named> parameters() {
        return parameters;
    }

    /**
     * From now on the projections compute as {@code plan} says, and the embedding (the classifier too: it is the
     * embedding here) on its int8 grid where the plan says {@code embedding=int8} ({@link
     * io.binaryllm.train.TrainingPlan.LowBitPhase} refuses an int8 classifier of its own).
     */
    public void quantize(BitLinearPlan plan) {
        layers = plan;
    }

    /** The plan the projections follow. */
    public BitLinearPlan layers() {
        return layers;
    }

    /** Attaches every parameter to {@code step} until it closes, so that the step's results are freed with it. */
    public void attachTo(NDManager step) {
        for (Named p : parameters) {
            p.array().tempAttach(step);
        }
    }

    /**
     * The mean cross-entropy of predicting {@code tokens[b][t + 1]} from {@code tokens[b][0..t]}, over every b and t.
     *
     * @param tokens (batch, window + 1) token ids; window at most the context
     * @param exact  low-bit products in the decoder's integer order (an evaluation: no gradient flows through them)
     */
    public NDArray loss(NDManager step, int[][] tokens, boolean exact) {
        int b = tokens.length;
        int t = tokens[0].length - 1;
        long[] in = new long[b * t];
        long[] next = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                in[i * t + j] = tokens[i][j];
                next[i * t + j] = tokens[i][j + 1];
            }
        }
        NDArray logits = logits(step, step.create(in, new Shape(b, t)), exact);             // (b, t, vocab)
        NDArray logp = logits.logSoftmax(-1);
        NDArray picked = logp.gather(step.create(next, new Shape(b, t, 1)), 2);              // (b, t, 1)
        return picked.mean().neg();
    }

    /**
     * Logits of every position of every window.
     *
     * @param ids (batch, window) int64 token ids
     * @return (batch, window, vocab)
     */
    public NDArray logits(NDManager step, NDArray ids, boolean exact) {
        long b = ids.getShape().get(0);
        int t = (int) ids.getShape().get(1);
        int hs = c.headSize();
        NDArray[] rope = rope(step, t);
        NDArray mask = causalMask(step, t);
        NDArray table = layers.int8Embedding() ? TorchBitLinear.int8Rows(embedding) : embedding;   // (vocab, dim)
        NDArray x = table.get(ids);                                                        // (b, t, dim)
        for (int l = 0; l < c.layers(); l++) {
            NDArray h = rmsNorm(x, rmsAtt[l]);
            Inputs in = new Inputs(h);
            NDArray q = rotate(project(in, wq[l], Projection.Q, exact).reshape(b, t, c.heads(), hs), rope);
            NDArray k = rotate(project(in, wk[l], Projection.K, exact).reshape(b, t, c.kvHeads(), hs), rope);
            NDArray v = project(in, wv[l], Projection.V, exact).reshape(b, t, c.kvHeads(), hs);
            q = q.transpose(0, 2, 1, 3);                                                   // (b, heads, t, hs)
            k = k.transpose(0, 2, 3, 1);                                                   // (b, heads, hs, t)
            v = v.transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k).div((float) Math.sqrt(hs)).add(mask);            // (b, heads, t, t)
            NDArray out = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, c.dim());
            x = x.add(project(new Inputs(out), wo[l], Projection.O, exact));
            in = new Inputs(rmsNorm(x, rmsFfn[l]));
            NDArray gate = project(in, w1[l], Projection.GATE, exact);
            NDArray swiglu = gate.mul(Activation.sigmoid(gate)).mul(project(in, w3[l], Projection.UP, exact));
            x = x.add(project(new Inputs(swiglu), w2[l], Projection.DOWN, exact));
        }
        return rmsNorm(x, rmsFinal).matMul(table.transpose());
    }

    private NDArray project(Inputs x, NDArray w, Projection p, boolean exact) {
        BitLinearPlan.Kind kind = layers.kind(p);
        return TorchBitLinear.project(x.as(kind), w, kind, exact);
    }

    /** One activation as the projections that read it quantize it, each kind computed once. */
    private static final class Inputs {
        private final NDArray x;
        private final Map<BitLinearPlan.Kind, TorchBitLinear.Input> byKind = new EnumMap<>(BitLinearPlan.Kind.class);

        Inputs(NDArray x) {
            this.x = x;
        }

        TorchBitLinear.Input as(BitLinearPlan.Kind kind) {
            return byKind.computeIfAbsent(kind, k -> TorchBitLinear.input(x, k));
        }
    }

    private static NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray ms = x.square().mean(new int[]{-1}, true).add(LlamaConfig.LLAMA2C_EPS);
        return x.div(ms.sqrt()).mul(weight);
    }

    /** Cosines and sines (t, 1, hs / 2) of the Java decoder's {@code Rope}: p / theta^(2i / hs), StrictMath, as float. */
    private NDArray[] rope(NDManager step, int t) {
        int half = c.headSize() / 2;
        float[] cos = new float[t * half];
        float[] sin = new float[t * half];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p / StrictMath.pow(c.ropeTheta(), (2.0 * i) / c.headSize());
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
        return new NDArray[]{step.create(cos, new Shape(t, 1, half)), step.create(sin, new Shape(t, 1, half))};
    }

    /** Rotates adjacent pairs (2i, 2i + 1) of each head of x (b, t, heads, hs). */
    private static NDArray rotate(NDArray x, NDArray[] rope) {
        Shape s = x.getShape();
        NDArray pairs = x.reshape(s.get(0), s.get(1), s.get(2), s.get(3) / 2, 2);
        NDArray a = pairs.get(":, :, :, :, 0");
        NDArray b = pairs.get(":, :, :, :, 1");
        NDArray cos = rope[0];
        NDArray sin = rope[1];
        return a.mul(cos).sub(b.mul(sin)).stack(a.mul(sin).add(b.mul(cos)), 4).reshape(s);
    }

    /** (t, t): 0 where a position may attend (itself and before), -infinity after. */
    private static NDArray causalMask(NDManager step, int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return step.create(m, new Shape(t, t));
    }

    /** The trained weights as the Java decoder's model, in llama2.c's layout (matrices (out, in), layers stacked). */
    public LlamaModel export() {
        int l = c.layers();
        float[] embeddingRows = embedding.toFloatArray();
        return LlamaModel.of(c, new LlamaModel.Weights(embeddingRows,
                stack(rmsAtt, false), stack(wq, true), stack(wk, true), stack(wv, true), stack(wo, true),
                stack(rmsFfn, false), stack(w1, true), stack(w2, true), stack(w3, true), rmsFinal.toFloatArray(),
                embeddingRows));
    }

    /** The layers' arrays one after another, each matrix transposed from (in, out) to (out, in) when asked. */
    private static float[] stack(NDArray[] layers, boolean transpose) {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (NDArray a : layers) {
            float[] v = a.toFloatArray();
            if (transpose) {
                int rows = (int) a.getShape().get(0);
                int cols = (int) a.getShape().get(1);
                float[] t = new float[v.length];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        t[j * rows + i] = v[i * cols + j];
                    }
                }
                v = t;
            }
            parts.add(v);
            total += v.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

}
