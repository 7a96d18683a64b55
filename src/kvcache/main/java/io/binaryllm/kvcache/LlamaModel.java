package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.internal.Heap;
import io.binaryllm.kvcache.internal.Int8Rows;
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
    /** The int8 grid of the embedding and of an unshared classifier, where the plan makes them int8 (else null). */
    private final Int8Rows int8Embedding;
    private final Int8Rows int8Classifier;

    /**
     * A model whose projections are {@code linears} ([projection][layer], null: {@code w}'s float matrices), its int8
     * embedding and classifier (null where float) those {@code w} holds dequantized.
     */
    private LlamaModel(LlamaConfig config, Weights w, BitLinearPlan plan, Linear[][] linears, Int8Rows int8Embedding, Int8Rows int8Classifier) {
        this.config = config;
        this.weights = w;
        this.plan = plan;
        this.int8Embedding = int8Embedding;
        this.int8Classifier = int8Classifier;
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
        Int8Rows embeddingRows = !plan.int8Embedding() ? null
                : base.int8Embedding != null ? base.int8Embedding : Int8Rows.of(f.embedding(), c.vocab(), c.dim());
        Int8Rows classifierRows = c.sharedClassifier() || !plan.int8Classifier() ? null
                : base.int8Classifier != null ? base.int8Classifier : Int8Rows.of(f.classifier(), c.vocab(), c.dim());
        // a kept grid's floats are the model's own; a new grid's are its dequantized weights
        float[] embedding = embeddingRows == null || embeddingRows == base.int8Embedding ? f.embedding() : embeddingRows.dequantize();
        float[] classifier = c.sharedClassifier() ? embedding
                : classifierRows == null || classifierRows == base.int8Classifier ? f.classifier() : classifierRows.dequantize();
        Weights w = new Weights(embedding, f.rmsAtt(), f.wq(), f.wk(), f.wv(), f.wo(), f.rmsFfn(), f.w1(), f.w2(), f.w3(), f.rmsFinal(), classifier);
        float[][] floats = byProjection(f);
        Linear[][] made = new Linear[floats.length][c.layers()];
        for (BitLinearPlan.Projection p : BitLinearPlan.Projection.values()) {
            BitLinearPlan.Kind kind = plan.kind(p);
            int rows = LowBitLayers.rows(p, c.dim(), c.kvDim(), c.hiddenDim());
            int cols = LowBitLayers.cols(p, c.dim(), c.hiddenDim());
            for (int l = 0; l < c.layers(); l++) {
                Linear held = base.linears[p.ordinal()][l];
                made[p.ordinal()][l] = kind != BitLinearPlan.Kind.FLOAT && held.kind() == kind ? held.withKernels(kernels)
                        : LowBitLayers.of(kind, floats[p.ordinal()], l * rows * cols, rows, cols, kernels);
            }
        }
        return new LlamaModel(c, w, plan, made, embeddingRows, classifierRows);
    }

    /**
     * A model of {@code config} with the projections {@code linears} ([projection][layer]) made as {@code plan} says, its
     * int8 embedding and classifier (null where float) as read.
     */
    static LlamaModel withLayers(LlamaConfig config, Weights w, BitLinearPlan plan, Linear[][] linears, Int8Rows int8Embedding,
                                 Int8Rows int8Classifier) {
        return new LlamaModel(config, w, plan, linears, int8Embedding, int8Classifier);
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
        return new LlamaModel(config, weights, plan, rebound, int8Embedding, int8Classifier);
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
        return new LlamaModel(config, weights, BitLinearPlan.allFloat(), null, null, null);
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
     * norms; the low-bit projections hold their own packed copies. What this model already holds in the plan's
     * low-bit kind (a trained ternary projection, an int8 embedding) is kept as it is: quantizing its dequantized
     * weights again would move its scales.
     */
    public LlamaModel lowBit(BitLinearPlan plan, LowBitKernels kernels) {
        if (plan == null || kernels == null) {
            throw new BadArgumentException(plan == null ? "plan" : "kernels", "a low-bit model needs a plan and kernels");
        }
        return quantized(this, plan, kernels);
    }

    /** The embedding's int8 grid where the plan makes it int8, else null. */
    Int8Rows int8Embedding() {
        return int8Embedding;
    }

    /** An unshared classifier's int8 grid where the plan makes it int8, else null. */
    Int8Rows int8Classifier() {
        return int8Classifier;
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
