package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.testing.Backends;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decoder with low-bit projections: BitNet's arithmetic (against the oracle's transcription in double), the same
 * logit bits through every backend's kernels and on every run, with and without a cache policy, and the plans.
 */
class BitLinearDecoderTest {
    private static final int[] TOKENS = {1, 5, 0, 28, 28, 7, 3, 19, 2, 11, 4, 4};
    /** Rows of whole 256-weight blocks (TQ2_0 in memory), grouped-query attention, a stored classifier. */
    private static final LlamaConfig BLOCKS = new LlamaConfig(256, 512, 2, 4, 2, 31, 16, false);

    private static final List<String> PLANS = List.of("all=ternary", "mlp=ternary", "all=binary", "all=binary-signs,down=binary",
            "attention=ternary,mlp=binary,embedding=int8", "q=ternary,up=binary-signs,classifier=int8");

    @Test
    void lowBitLogitsAreBitNetsArithmeticToFloatRounding() {
        for (LlamaConfig c : new LlamaConfig[]{DecoderTest.MHA, DecoderTest.GQA, BLOCKS}) {
            for (String text : PLANS) {
                BitLinearPlan plan = BitLinearPlan.parse(text);
                if (plan.int8Classifier() && c.sharedClassifier()) {
                    continue; // refused, below
                }
                LlamaModel m = RandomLlama.model(c, 3).lowBit(plan, LowBitKernels.java());
                Decoder d = m.decoder();
                LlamaOracle oracle = new LlamaOracle(m);
                for (int token : TOKENS) {
                    float[] logits = d.next(token % c.vocab());
                    double[] expected = oracle.next(token % c.vocab());
                    for (int i = 0; i < logits.length; i++) {
                        assertThat((double) logits[i]).as("%s %s token %d logit %d", c, text, token, i)
                                .isCloseTo(expected[i], Offset.offset(1e-3 * (1 + Math.abs(expected[i]))));
                    }
                }
            }
        }
    }

    /** The kernels of every core backend (the native one's must load in CI), each giving the same logit bits. */
    @Test
    void everyBackendsKernelsGiveTheSameLogitBitsWithAndWithoutACachePolicy() {
        List<String> names = new ArrayList<>();
        List<LowBitKernels> kernels = new ArrayList<>();
        for (String name : List.of("reference", "cpu", "native")) {
            try (SearchBackend b = SearchBackends.open(name)) {
                if (b.lowBitKernels().isEmpty()) {
                    assertThat(Backends.inCi() || !name.equals("native")).as(name + " has low-bit kernels in CI").isFalse();
                    continue;
                }
                names.add(name);
                kernels.add(b.lowBitKernels().orElseThrow());
            }
        }
        assertThat(names).contains("reference", "cpu");
        for (LlamaConfig c : new LlamaConfig[]{DecoderTest.GQA, BLOCKS}) {
            for (String text : PLANS) {
                BitLinearPlan plan = BitLinearPlan.parse(text);
                if (plan.int8Classifier() && c.sharedClassifier()) {
                    continue;
                }
                LlamaModel base = RandomLlama.model(c, 5);
                for (KvPolicy policy : new KvPolicy[]{KvPolicies.full(), KvPolicies.window(4, 1)}) {
                    float[][] expected = logits(base.lowBit(plan, kernels.getFirst()), policy);
                    for (int i = 0; i < kernels.size(); i++) {
                        float[][] again = logits(base.lowBit(plan, kernels.get(i)), policy);
                        for (int t = 0; t < expected.length; t++) {
                            assertThat(again[t]).as("%s %s on %s, token %d", c, text, names.get(i), t).isEqualTo(expected[t]);
                        }
                    }
                }
            }
        }
    }

    private static float[][] logits(LlamaModel m, KvPolicy policy) {
        Decoder d = m.decoder(policy);
        float[][] out = new float[TOKENS.length][];
        for (int t = 0; t < TOKENS.length; t++) {
            out[t] = d.next(TOKENS[t] % m.config().vocab());
        }
        d.close();
        return out;
    }

    @Test
    void aFloatPlanIsTheFloatModelBitForBit() {
        LlamaModel m = RandomLlama.model(DecoderTest.MHA, 7);
        assertThat(logits(m.lowBit(BitLinearPlan.allFloat(), LowBitKernels.scalar()), KvPolicies.full()))
                .isDeepEqualTo(logits(m, KvPolicies.full()));
        assertThat(m.plan()).isEqualTo(BitLinearPlan.allFloat());
        assertThat(m.plan().isLowBit()).isFalse();
    }

    @Test
    void ternaryProjectionsHoldAbout2BitsAWeight() {
        LlamaModel m = RandomLlama.model(BLOCKS, 1);
        long floatBytes = m.projectionBytes();
        long ternaryBytes = m.lowBit(BitLinearPlan.uniform(BitLinearPlan.Kind.TERNARY), LowBitKernels.scalar()).projectionBytes();
        long binaryBytes = m.lowBit(BitLinearPlan.uniform(BitLinearPlan.Kind.BINARY), LowBitKernels.scalar()).projectionBytes();
        long weights = 2L * (2L * 256 * 256 + 2L * 128 * 256 + 3L * 512 * 256); // 2 layers: q, o; k, v; gate, up, down
        long rows = 2L * (256 + 128 + 128 + 256 + 512 + 512 + 256);
        assertThat(floatBytes).isEqualTo(4 * weights);
        assertThat(ternaryBytes).isEqualTo(weights / 256 * 66); // TQ2_0: 66 bytes a block of 256
        assertThat(binaryBytes).isEqualTo(weights / 8 + 2 * rows); // a bit a weight and a half scale a row
    }

    @Test
    void plansParsePrintAndRefuseByName() {
        BitLinearPlan p = BitLinearPlan.parse("all=binary-signs, down=binary ,embedding=int8");
        assertThat(p.kind(BitLinearPlan.Projection.Q)).isEqualTo(BitLinearPlan.Kind.BINARY_SIGNS);
        assertThat(p.kind(BitLinearPlan.Projection.DOWN)).isEqualTo(BitLinearPlan.Kind.BINARY);
        assertThat(p.int8Embedding()).isTrue();
        assertThat(p.int8Classifier()).isFalse();
        assertThat(p.toString()).isEqualTo("q=binary-signs,k=binary-signs,v=binary-signs,o=binary-signs,gate=binary-signs,"
                + "up=binary-signs,down=binary,embedding=int8,classifier=float");
        assertThat(BitLinearPlan.parse(p.toString())).isEqualTo(p);
        assertThat(p.toShortString()).isEqualTo("all=binary-signs,down=binary,embedding=int8");
        for (String shortest : List.of("all=float", "all=ternary", "q=ternary", "all=binary,q=float,k=float,v=float", "gate=ternary,up=ternary,down=ternary",
                "all=ternary,o=binary,classifier=int8")) {
            assertThat(BitLinearPlan.parse(shortest).toShortString()).isEqualTo(shortest);
        }
        assertThat(BitLinearPlan.parse("mlp=ternary").kind(BitLinearPlan.Projection.Q)).isEqualTo(BitLinearPlan.Kind.FLOAT);
        assertThatThrownBy(() -> BitLinearPlan.parse("qq=ternary")).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("unknown target 'qq'");
        assertThatThrownBy(() -> BitLinearPlan.parse("q=int4")).hasMessageContaining("unknown kind 'int4'");
        assertThatThrownBy(() -> BitLinearPlan.parse("embedding=ternary")).hasMessageContaining("float or int8, got 'ternary'");
        assertThatThrownBy(() -> BitLinearPlan.parse("q")).hasMessageContaining("'q' is not target=kind");
        assertThatThrownBy(() -> BitLinearPlan.parse(" ")).hasMessageContaining("empty");
        LlamaModel shared = RandomLlama.model(DecoderTest.GQA, 1);
        assertThatThrownBy(() -> shared.lowBit(BitLinearPlan.parse("classifier=int8"), LowBitKernels.scalar()))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("classifier is its embedding");
    }
}
