package io.binaryllm.kvcache;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerplexityTest {
    /**
     * A model whose classifier is zero predicts every token with probability 1/vocab whatever the context: its
     * perplexity is the vocabulary size, under every policy.
     */
    @Test
    void aUniformModelsPerplexityIsItsVocabularySize() {
        LlamaConfig c = new LlamaConfig(8, 12, 2, 2, 1, 11, 10, false);
        LlamaModel random = RandomLlama.model(c, 21);
        LlamaModel.Weights w = random.weights();
        LlamaModel uniform = LlamaModel.of(c, new LlamaModel.Weights(w.embedding(), w.rmsAtt(), w.wq(), w.wk(), w.wv(), w.wo(),
                w.rmsFfn(), w.w1(), w.w2(), w.w3(), w.rmsFinal(), new float[c.vocab() * c.dim()]));
        int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (KvPolicy p : new KvPolicy[]{KvPolicies.full(), KvPolicies.window(3, 1), KvPolicies.binary(KvBudget.positions(4, 1, 1), "sign", null, 0, "reference")}) {
            assertThat(Perplexity.of(uniform, p, tokens)).as(p.describe()).isCloseTo(11.0, Offset.offset(1e-12));
        }
    }

    /** By hand: logits (0, ln 3) give p = (1/4, 3/4). */
    @Test
    void negativeLogLikelihoodByHand() {
        float[] logits = {0f, (float) Math.log(3)};
        assertThat(Perplexity.negativeLogLikelihood(logits, 1)).isCloseTo(-Math.log(0.75), Offset.offset(1e-7));
        assertThat(Perplexity.negativeLogLikelihood(logits, 0)).isCloseTo(Math.log(4), Offset.offset(1e-7));
    }

    @Test
    void aBudgetAsLongAsTheSequenceIsFullPerplexityAndBadSequencesAreRefused() {
        LlamaModel m = RandomLlama.model(DecoderTest.GQA, 22);
        int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
        double full = Perplexity.of(m, KvPolicies.full(), tokens);
        assertThat(Perplexity.of(m, KvPolicies.binary(KvBudget.positions(tokens.length, 1, 1), "sign", null, 0, "auto"), tokens)).isEqualTo(full);
        assertThat(Perplexity.of(m, KvPolicies.window(4, 1), tokens)).isNotEqualTo(full);
        assertThatThrownBy(() -> Perplexity.of(m, KvPolicies.full(), new int[]{1})).hasMessageContaining("at least 2 tokens");
        assertThatThrownBy(() -> Perplexity.of(m, KvPolicies.full(), new int[]{1, 99})).hasMessageContaining("between 0 and 28, got 99");
    }
}
