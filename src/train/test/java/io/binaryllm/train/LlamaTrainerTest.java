package io.binaryllm.train;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.KvPolicies;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Perplexity;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.search.SearchBackends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The trainer's PyTorch model is the Java decoder's model: after a few steps (norms no longer 1, every matrix moved)
 * the exported checkpoint scores the held-out windows as PyTorch did; and a plan trains to the same weights twice.
 */
class LlamaTrainerTest {
    static final LlamaConfig TINY = new LlamaConfig(64, 96, 2, 2, 2, 320, 32, true);
    static Tokenizer tokenizer;
    static int[] train;
    static int[] heldOut;

    @BeforeAll
    static void corpus() {
        String text = SyntheticText.sentences(11, 3000);
        tokenizer = BpeTrainer.train(text, TINY.vocab());
        train = tokenizer.encode(text, true);
        heldOut = tokenizer.encode(SyntheticText.sentences(12, 300), true);
    }

    static TrainingPlan plan(int steps) {
        return new TrainingPlan(TINY, steps, 4, 3e-3f, 3e-4f, 2, 0.1f, 1.0f, 5, 3, 2);
    }

    @Test
    void theExportedModelScoresTheHeldOutWindowsAsPyTorchDid() {
        List<LlamaTrainer.Step> seen = new ArrayList<>();
        LlamaTrainer.Trained t = LlamaTrainer.train(plan(6), train, heldOut, seen::add);
        assertThat(seen).extracting(LlamaTrainer.Step::step).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(seen.get(2).heldOutLoss()).isFinite();
        assertThat(seen.get(3).heldOutLoss()).isNaN();
        assertThat(seen.get(5).loss()).isLessThan(seen.get(0).loss());
        int window = TINY.seqLen() + 1;
        int[][] windows = LlamaTrainer.windows(heldOut, window, Integer.MAX_VALUE);
        assertThat(t.heldOutWindows()).isEqualTo(windows.length).isGreaterThan(3);
        double java = 0;
        for (int[] w : windows) {
            java += Math.log(Perplexity.of(t.model(), KvPolicies.full(), w));
        }
        // float32 in both, different summation orders: agreement to a few units in the sixth digit
        assertThat(java / windows.length).isCloseTo(t.heldOutLoss(), within(2e-5 * t.heldOutLoss()));
        assertThat(t.model().weights().rmsAtt()).isNotEqualTo(new float[t.model().weights().rmsAtt().length]).doesNotContain(1f);
    }

    /**
     * Quantization-aware training: the trained latent weights, quantized by the decoder under the same plan, score the
     * held-out windows as PyTorch's quantized forward did (the products are the same integers and rescales; the rest
     * differs by float rounding), for ternary, binary and the binary arm; and the low-bit phase moved the weights.
     */
    @ParameterizedTest
    @ValueSource(strings = {"all=ternary", "all=binary", "all=binary-signs,down=binary", "mlp=ternary,q=binary", "all=ternary,embedding=int8"})
    void aLowBitTrainingScoresTheHeldOutWindowsAsTheDecoderDoes(String layers) {
        BitLinearPlan plan = BitLinearPlan.parse(layers);
        TrainingPlan p = plan(3).then(new TrainingPlan.LowBitPhase(plan, 4, 3e-3f, 3e-4f, 1, 0f));
        List<LlamaTrainer.Step> seen = new ArrayList<>();
        LlamaTrainer.Trained t = LlamaTrainer.train(p, train, heldOut, seen::add);
        assertThat(seen).extracting(LlamaTrainer.Step::layers).containsExactly(BitLinearPlan.allFloat(), BitLinearPlan.allFloat(),
                BitLinearPlan.allFloat(), plan, plan, plan, plan);
        assertThat(seen.get(2).heldOutLoss()).isFinite();   // the float phase's end
        assertThat(seen.get(6).heldOutLoss()).isFinite();   // the low-bit phase's
        assertThat(t.layers()).isEqualTo(plan);
        LlamaModel lowBit = t.model().lowBit(plan, SearchBackends.lowBitKernels("reference"));
        int[][] windows = LlamaTrainer.windows(heldOut, TINY.seqLen() + 1, Integer.MAX_VALUE);
        double java = 0;
        for (int[] w : windows) {
            java += Math.log(Perplexity.of(lowBit, KvPolicies.full(), w));
        }
        double perplexity = Math.exp(java / windows.length);
        assertThat(perplexity).isCloseTo(t.heldOutPerplexity(), within(1e-5 * t.heldOutPerplexity()));
        // the float model's perplexity differs: the quantizers are in the loss
        double floatLoss = 0;
        for (int[] w : windows) {
            floatLoss += Math.log(Perplexity.of(t.model(), KvPolicies.full(), w));
        }
        assertThat(Math.abs(floatLoss / windows.length - t.heldOutLoss())).isGreaterThan(1e-3);
    }

    @Test
    void aModelContinuesFromItsExportedWeights() { // --init: no step, the same held-out loss
        LlamaTrainer.Trained first = LlamaTrainer.train(plan(2), train, heldOut, s -> { });
        BitLinearPlan ternary = BitLinearPlan.parse("all=ternary");
        TrainingPlan onlyLowBit = new TrainingPlan(TINY, 0, 4, 3e-3f, 3e-4f, 0, 0.1f, 1f, 5, 3, 2, null)
                .then(new TrainingPlan.LowBitPhase(ternary, 1, 1e-9f, 0f, 0, 0f));
        LlamaTrainer.Trained next = LlamaTrainer.train(onlyLowBit, first.model(), train, heldOut, s -> { });
        LlamaModel lowBit = first.model().lowBit(ternary, SearchBackends.lowBitKernels("reference"));
        double java = 0;
        int[][] windows = LlamaTrainer.windows(heldOut, TINY.seqLen() + 1, Integer.MAX_VALUE);
        for (int[] w : windows) {
            java += Math.log(Perplexity.of(lowBit, KvPolicies.full(), w));
        }
        // one step at a learning rate of 1e-9 changes no trit: the continued model is the first one, quantized
        assertThat(next.heldOutLoss()).isCloseTo(java / windows.length, within(1e-5 * next.heldOutLoss()));
        assertThatThrownBy(() -> LlamaTrainer.train(onlyLowBit, LlamaTrainer.train(new TrainingPlan(new LlamaConfig(32, 96, 2, 1, 1, 320, 32, true),
                1, 4, 3e-3f, 3e-4f, 0, 0.1f, 1f, 5, 3, 2), train, heldOut, s -> { }).model(), train, heldOut, s -> { }))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("the model to continue is");
    }

    @Test
    void aTinyPlanTrainsToTheSameWeightsTwice() { // no hidden random draws: the start and the windows come from the seed
        LlamaModel a = LlamaTrainer.train(plan(3), train, heldOut, s -> { }).model();
        LlamaModel b = LlamaTrainer.train(plan(3), train, heldOut, s -> { }).model();
        assertThat(b.weights().wq()).isEqualTo(a.weights().wq());
        assertThat(b.weights().w2()).isEqualTo(a.weights().w2());
        assertThat(b.weights().embedding()).isEqualTo(a.weights().embedding());
        assertThat(b.weights().rmsFinal()).isEqualTo(a.weights().rmsFinal());
    }

    @Test
    void tooFewTokensOrTokensOutsideTheVocabularyAreRefusedByName() {
        assertThatThrownBy(() -> LlamaTrainer.train(plan(1), new int[10], heldOut, s -> { }))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("the text must hold at least a context + 1 = 33 tokens")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("train");
        int[] bad = heldOut.clone();
        bad[5] = TINY.vocab();
        assertThatThrownBy(() -> LlamaTrainer.train(plan(1), train, bad, s -> { }))
                .hasMessageContaining("heldOut holds token 320, outside the vocabulary of 320");
    }
}
