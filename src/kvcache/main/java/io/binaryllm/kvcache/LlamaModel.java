package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.kvcache.internal.Heap;
import io.binaryllm.kvcache.internal.Rope;

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

    private LlamaModel(LlamaConfig config, Weights w) {
        this.config = config;
        this.weights = w;
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
        return new LlamaModel(config, weights);
    }

    /** Reads a GGUF file ({@link Gguf#read}, known by its magic) or else a llama2.c checkpoint ({@link Llama2c#read}). */
    public static LlamaModel load(Path checkpoint) {
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

    public Weights weights() {
        return weights;
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
