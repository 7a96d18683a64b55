package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;

/**
 * Teacher-forced perplexity: a sequence fed token by token, each position's logits scoring the token that follows,
 * {@code exp(mean(-log p(next)))} over the n - 1 predictions. Log-softmax in double (the maximum subtracted,
 * exponentials summed in vocabulary order), the mean in sequence order: the same bits on every run.
 */
public final class Perplexity {
    private Perplexity() {
    }

    /**
     * Perplexity of {@code tokens} (at least two, at most the context + 1: the last token is only predicted, never
     * fed) under {@code model} with {@code policy}'s cache.
     */
    public static double of(LlamaModel model, KvPolicy policy, int[] tokens) {
        if (tokens.length < 2) {
            throw new BadArgumentException("tokens", "perplexity needs at least 2 tokens, got " + tokens.length);
        }
        if (tokens.length > model.config().seqLen() + 1) {
            throw new BadArgumentException("tokens", tokens.length + " tokens need " + (tokens.length - 1)
                    + " positions, more than the context of " + model.config().seqLen());
        }
        double nll = 0;
        try (Decoder d = model.decoder(policy, tokens.length - 1)) {
            for (int i = 0; i + 1 < tokens.length; i++) {
                nll += negativeLogLikelihood(d.next(tokens[i]), tokens[i + 1]);
            }
        }
        return Math.exp(nll / (tokens.length - 1));
    }

    /** {@code -log softmax(logits)[target]}. */
    static double negativeLogLikelihood(float[] logits, int target) {
        if (target < 0 || target >= logits.length) {
            throw new BadArgumentException("tokens", "token must be between 0 and " + (logits.length - 1) + ", got " + target);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += StrictMath.exp(l - max);
        }
        return StrictMath.log(sum) - (logits[target] - max);
    }
}
