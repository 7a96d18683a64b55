package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.internal.Heap;
import io.binaryllm.kvcache.internal.Linear;
import io.binaryllm.kvcache.internal.LowBitLayers;
import io.binaryllm.kvcache.internal.Rope;
import io.binaryllm.lowbit.LowBitKernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Llama-architecture decoder's weights, read once and shared by any number of {@link Decoder}s (each with its own
 * KV cache). Immutable.
 */
public final class LlamaModel {
    /**
     * The weights, row-major float32, layers stacked first (llama2.c's layout). A matrix (out, in) maps an input of
     * width {@code in} to {@code out} outputs: row i holds output i's weights.
     *
     * @param embedding  (vocab, dim) token embeddings
     * @param rmsAtt     (layers, dim) attention RMSNorm weights
     * @param wq         (layers, dim, dim) query projection
     * @param wk         (layers, kvDim, dim) key projection
     * @param wv         (layers, kvDim, dim) value projection
     * @param wo         (layers, dim, dim) attention output projection
     * @param rmsFfn     (layers, dim) feed-forward RMSNorm weights
     * @param w1         (layers, hiddenDim, dim) gate projection
     * @param w2         (layers, dim, hiddenDim) down projection
     * @param w3         (layers, hiddenDim, dim) up projection
     * @param rmsFinal   (dim) final RMSNorm weights
     * @param classifier (vocab, dim) output classifier: the embedding array itself when shared
     */
    public record Weights(float[] embedding, float[] rmsAtt, float[] wq, float[] wk, float[] wv, float[] wo, float[] rmsFfn,
                          float[] w1, float[] w2, float[] w3, float[] rmsFinal, float[] classifier) {
    }

    private final LlamaConfig config;
    private final Weights weights;
    private final Rope rope;
    private final BitLinearPlan plan;
    /** [projection][layer]. */
    private final Linear[][] linears;

    /** A model whose projections are {@code linears} ([projection][layer], null: {@code w}'s float matrices). */
    private LlamaModel(LlamaConfig config, Weights w, BitLinearPlan plan, Linear[][] linears) {
        this.config = config;
        this.weights = w;
        this.plan = plan;
        int d = config.dim();
        int kv = config.kvDim();
        int h = config.hiddenDim();
        long l = config.layers();
        size("embedding", w.embedding(), (long) config.vocab() * d);
        size("rmsAtt", w.rmsAtt(), l * d);
        size("wq", w.wq(), l * d * d);
        size("wk", w.wk(), l * kv * d);
        size("wv", w.wv(), l * kv * d);
        size("wo", w.wo(), l * d * d);
        size("rmsFfn", w.rmsFfn(), l * d);
        size("w1", w.w1(), l * h * d);
        size("w2", w.w2(), l * d * h);
        size("w3", w.w3(), l * h * d);
        size("rmsFinal", w.rmsFinal(), d);
        size("classifier", w.classifier(), (long) config.vocab() * d);
        if (config.sharedClassifier() != (w.classifier() == w.embedding())) {
            throw new BadArgumentException("classifier", config.sharedClassifier()
                    ? "a shared classifier is the embedding array itself" : "the config says the classifier is not shared");
        }
        this.rope = new Rope(config.headSize(), config.ropeTheta());
        this.linears = linears != null ? linears : LowBitLayers.all(plan, config.layers(), d, kv, h, byProjection(w), null);
    }

    /** A low-bit model of {@code base}'s float weights (see {@link #lowBit}). */
    private static LlamaModel quantized(LlamaModel base, BitLinearPlan plan, LowBitKernels kernels) {
        LlamaConfig c = base.config;
        Weights f = base.weights;
        if (plan.int8Classifier() && c.sharedClassifier()) {
            throw new BadArgumentException("plan", "this model's classifier is its embedding: make the embedding int8 instead");
        }
        float[] embedding = plan.int8Embedding() ? LowBitLayers.int8Rows(f.embedding(), c.vocab(), c.dim()) : f.embedding();
        float[] classifier = c.sharedClassifier() ? embedding
                : plan.int8Classifier() ? LowBitLayers.int8Rows(f.classifier(), c.vocab(), c.dim()) : f.classifier();
        Weights w = new Weights(embedding, f.rmsAtt(), f.wq(), f.wk(), f.wv(), f.wo(), f.rmsFfn(), f.w1(), f.w2(), f.w3(), f.rmsFinal(), classifier);
        return new LlamaModel(c, w, plan, LowBitLayers.all(plan, c.layers(), c.dim(), c.kvDim(), c.hiddenDim(), byProjection(f), kernels));
    }

    /** A model of {@code config} with the projections {@code linears} ([projection][layer]) made as {@code plan} says. */
    static LlamaModel withLayers(LlamaConfig config, Weights w, BitLinearPlan plan, Linear[][] linears) {
        return new LlamaModel(config, w, plan, linears);
    }

    /**
     * This model with its low-bit products summed by {@code kernels} instead (the same weights; the same logits, bit
     * for bit, as every backend's kernels give).
     */
    public LlamaModel withKernels(LowBitKernels kernels) {
        if (kernels == null) {
            throw new BadArgumentException("kernels", "kernels must not be null");
        }
        Linear[][] rebound = new Linear[linears.length][];
        for (int p = 0; p < linears.length; p++) {
            rebound[p] = new Linear[linears[p].length];
            for (int l = 0; l < linears[p].length; l++) {
                rebound[p][l] = linears[p][l].withKernels(kernels);
            }
        }
        return new LlamaModel(config, weights, plan, rebound);
    }

    /** The float matrices in {@link BitLinearPlan.Projection} order. */
    private static float[][] byProjection(Weights w) {
        return new float[][]{w.wq(), w.wk(), w.wv(), w.wo(), w.w1(), w.w3(), w.w2()};
    }

    private static void size(String name, float[] a, long expected) {
        if (a == null || a.length != expected) {
            throw new BadArgumentException(name, name + " must hold " + expected + " floats, has " + (a == null ? "none" : a.length));
        }
    }

    /**
     * Refuses, naming {@code source}, a model whose float32 weights the heap cannot hold: a reader checks this before
     * it allocates them, so a large checkpoint is one line, not an {@link OutOfMemoryError}.
     */
    static void requireHeapFor(Object source, LlamaConfig config) {
        long bytes = config.parameters() * Float.BYTES;
        if (bytes > Heap.available()) {
            throw BadInputException.in(source, config.parameters() + " parameters need "
                    + Heap.mb(bytes) + " MB of heap as float32, this JVM has "
                    + Heap.mb(Heap.available())
                    + " MB free (raise the JVM's -Xmx, e.g. -Xmx16g)");
        }
    }

    /** A model of {@code config} with {@code weights} (checked against its shapes; not copied). */
    public static LlamaModel of(LlamaConfig config, Weights weights) {
        return new LlamaModel(config, weights, BitLinearPlan.allFloat(), null);
    }

    /** Reads a GGUF file ({@link Gguf#read}, known by its magic) or else a llama2.c checkpoint ({@link Llama2c#read}). */
    public static LlamaModel load(Path checkpoint) {
        FileKinds.requireRegularFile(checkpoint); // a FIFO would block the magic's read for ever
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(checkpoint)) {
            if (in.readNBytes(magic, 0, 4) == 4 && new String(magic, StandardCharsets.ISO_8859_1).equals("GGUF")) {
                return Gguf.read(checkpoint);
            }
        } catch (IOException e) {
            // Llama2c.read names the file and the problem
        }
        return Llama2c.read(checkpoint);
    }

    public LlamaConfig config() {
        return config;
    }

    /**
     * The float weights: the embedding and classifier as this model uses them (rounded to int8 where its plan says),
     * the projections as read (a low-bit projection multiplies its quantized form of them instead).
     */
    public Weights weights() {
        return weights;
    }

    /** Which projections are low-bit ({@link BitLinearPlan#allFloat()} for a model as read). */
    public BitLinearPlan plan() {
        return plan;
    }

    /**
     * This model with its projections, embedding and classifier quantized as {@code plan} says (post-training, from
     * the float weights as read: BitNet's absmean trits, signs with a mean |w| a row, int8 rows), its low-bit products
     * summed by {@code kernels} (a backend's {@link io.binaryllm.search.SearchBackend#lowBitKernels()}). Every
     * backend's kernels give the same logits, bit for bit. The float weights stay, for the float projections and the
     * norms; the low-bit projections hold their own packed copies.
     */
    public LlamaModel lowBit(BitLinearPlan plan, LowBitKernels kernels) {
        if (plan == null || kernels == null) {
            throw new BadArgumentException(plan == null ? "plan" : "kernels", "a low-bit model needs a plan and kernels");
        }
        return quantized(this, plan, kernels);
    }

    /** Projection {@code p} of layer {@code layer}. */
    Linear linear(BitLinearPlan.Projection p, int layer) {
        return linears[p.ordinal()][layer];
    }

    /**
     * Bytes the seven projections hold in memory as this model multiplies them (float32, trits, TQ2_0 blocks or bits,
     * with their scales): what the plan saves.
     */
    public long projectionBytes() {
        double bits = 0;
        for (Linear[] layers : linears) {
            for (Linear l : layers) {
                bits += l.bitsPerWeight() * l.rows() * l.cols();
            }
        }
        return (long) Math.ceil(bits / 8);
    }

    Rope rope() {
        return rope;
    }

    /** A decoder at position 0 with an empty cache of {@code seqLen} positions, attending to every position. */
    public Decoder decoder() {
        return decoder(KvPolicies.full());
    }

    /** A decoder of the model's whole context whose query heads attend to the positions {@code policy} selects. */
    public Decoder decoder(KvPolicy policy) {
        return decoder(policy, config.seqLen());
    }

    /**
     * A decoder whose cache holds {@code positions} (1 to seqLen; refused, naming the memory, when the heap cannot
     * hold it), its query heads attending to the positions {@code policy} selects.
     */
    public Decoder decoder(KvPolicy policy, int positions) {
        return new Decoder(this, policy, positions, false);
    }

    /**
     * A decoder that also measures what {@code policy}'s selections keep of exact attention ({@link Decoder#stats()}):
     * exact attention over every position is computed beside the selected one, which doubles attention's cost.
     */
    public Decoder measuringDecoder(KvPolicy policy) {
        return measuringDecoder(policy, config.seqLen());
    }

    /** {@link #measuringDecoder(KvPolicy)} with a cache of {@code positions}. */
    public Decoder measuringDecoder(KvPolicy policy, int positions) {
        return new Decoder(this, policy, positions, true);
    }
}
