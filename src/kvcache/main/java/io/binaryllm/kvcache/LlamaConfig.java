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
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int seqLen, boolean sharedClassifier) {
    public LlamaConfig {
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
