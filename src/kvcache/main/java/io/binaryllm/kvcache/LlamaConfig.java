package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;

/**
 * The shape of a Llama-architecture decoder, as llama2.c's checkpoint header states it.
 *
 * @param dim              width of the residual stream
 * @param hiddenDim        width of the feed-forward layer
 * @param layers           transformer blocks
 * @param heads            query heads; {@code dim / heads} is the head size, which must be even (rotary pairs)
 * @param kvHeads          key/value heads, dividing {@code heads} (grouped-query attention; equal for multi-head)
 * @param vocab            vocabulary size
 * @param seqLen           longest context the rotary table and cache are sized for
 * @param sharedClassifier whether the output classifier is the token embedding table
 * @param rmsEps           RMSNorm's epsilon (llama2.c: 1e-5)
 * @param ropeTheta        the rotary base (llama2.c: 10000)
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int seqLen, boolean sharedClassifier,
                          float rmsEps, double ropeTheta) {
    /** llama2.c's epsilon and rotary base. */
    public static final float LLAMA2C_EPS = 1e-5f;
    public static final double LLAMA2C_THETA = 10000.0;

    /** A shape with llama2.c's epsilon and rotary base. */
    public LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int seqLen, boolean sharedClassifier) {
        this(dim, hiddenDim, layers, heads, kvHeads, vocab, seqLen, sharedClassifier, LLAMA2C_EPS, LLAMA2C_THETA);
    }

    public LlamaConfig {
        if (!(rmsEps > 0) || !Float.isFinite(rmsEps)) {
            throw new BadArgumentException("rms_eps", "the RMSNorm epsilon must be positive, got " + rmsEps);
        }
        if (!(ropeTheta > 1) || !Double.isFinite(ropeTheta)) {
            throw new BadArgumentException("rope_theta", "the rotary base must be above 1, got " + ropeTheta);
        }
        positive("dim", dim);
        positive("hidden_dim", hiddenDim);
        positive("n_layers", layers);
        positive("n_heads", heads);
        positive("n_kv_heads", kvHeads);
        positive("vocab_size", vocab);
        positive("seq_len", seqLen);
        if (dim % heads != 0) {
            throw new BadArgumentException("n_heads", dim + " dimensions do not split into " + heads + " heads");
        }
        if ((dim / heads) % 2 != 0) {
            throw new BadArgumentException("n_heads", "heads of " + dim / heads + " dimensions: rotary positions need an even head size");
        }
        if (heads % kvHeads != 0) {
            throw new BadArgumentException("n_kv_heads", heads + " query heads do not share " + kvHeads + " key/value heads evenly");
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new BadArgumentException(field, field + " must be positive, got " + value);
        }
    }

    /** This shape with a context of {@code positions} (a cache sized for a shorter sequence than the model allows). */
    public LlamaConfig withSeqLen(int positions) {
        return new LlamaConfig(dim, hiddenDim, layers, heads, kvHeads, vocab, positions, sharedClassifier, rmsEps, ropeTheta);
    }

    public int headSize() {
        return dim / heads;
    }

    /** Width of the keys and values of one position: {@code kvHeads * headSize}. */
    public int kvDim() {
        return kvHeads * headSize();
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /** Parameters, the classifier counted once when it is shared. */
    public long parameters() {
        long perLayer = 2L * dim + (long) dim * dim * 2 + 2L * dim * kvDim() + 3L * dim * hiddenDim;
        return (long) vocab * dim + layers * perLayer + dim + (sharedClassifier ? 0 : (long) vocab * dim);
    }
}
