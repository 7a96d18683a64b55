package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

/**
 * Sequences drawn from a model itself at temperature 1 (full attention), for evaluating a cache where no tokenizer or
 * text is at hand: sequence i starts from token {@code first} and draws each next token from softmax(logits) with
 * the stream {@code kv-eval/sample/i} of the seed (inverse CDF over the vocabulary in order, in double). The same seed
 * gives the same tokens on every machine.
 */
public final class Sampler {
    private Sampler() {
    }

    /** {@code count} sequences of {@code length} tokens (the first one {@code first}). */
    public static int[][] sample(LlamaModel model, int count, int length, int first, long seed) {
        if (count < 1) {
            throw new BadArgumentException("count", "at least one sequence, got " + count);
        }
        if (length < 2 || length > model.config().seqLen()) {
            throw new BadArgumentException("length", "a sequence is 2 to " + model.config().seqLen() + " tokens (seq_len), got " + length);
        }
        if (first < 0 || first >= model.config().vocab()) {
            throw new BadArgumentException("first", "token must be between 0 and " + (model.config().vocab() - 1) + ", got " + first);
        }
        Seeds seeds = new Seeds(seed);
        int[][] out = new int[count][length];
        for (int s = 0; s < count; s++) {
            SplitMix64 r = seeds.stream("kv-eval/sample/" + s);
            out[s][0] = first;
            try (Decoder d = model.decoder(KvPolicies.full(), length)) {
                for (int i = 1; i < length; i++) {
                    out[s][i] = draw(d.next(out[s][i - 1]), r.nextDouble());
                }
            }
        }
        return out;
    }

    /** The token whose cumulative probability first exceeds {@code u} (the last one if rounding leaves u beyond all). */
    static int draw(float[] logits, double u) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = StrictMath.exp(logits[i] - max);
            sum += p[i];
        }
        double target = u * sum;
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (acc > target) {
                return i;
            }
        }
        return p.length - 1;
    }
}
