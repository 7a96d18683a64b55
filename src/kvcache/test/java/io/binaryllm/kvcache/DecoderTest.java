package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoder against a plain double-precision transcription, its determinism, and its checkpoint format. */
class DecoderTest {
    @TempDir
    Path dir;

    /** Multi-head, a stored classifier; grouped-query (3 query heads a key/value head), a shared one; odd widths. */
    static final LlamaConfig MHA = new LlamaConfig(24, 40, 2, 3, 3, 37, 16, false);
    static final LlamaConfig GQA = new LlamaConfig(36, 52, 3, 6, 2, 29, 20, true);

    private static final int[] TOKENS = {1, 5, 0, 28, 28, 7, 3, 19, 2, 11, 4, 4};

    @Test
    void logitsAreTheArchitecturesToFloatRounding() {
        for (LlamaConfig c : new LlamaConfig[]{MHA, GQA}) {
            LlamaModel m = RandomLlama.model(c, 3);
            Decoder d = m.decoder();
            LlamaOracle oracle = new LlamaOracle(m);
            for (int token : TOKENS) {
                float[] logits = d.next(token);
                double[] expected = oracle.next(token);
                for (int i = 0; i < logits.length; i++) {
                    assertThat((double) logits[i]).as("%s token %d logit %d", c, token, i)
                            .isCloseTo(expected[i], Offset.offset(2e-4 * (1 + Math.abs(expected[i]))));
                }
            }
            assertThat(d.position()).isEqualTo(TOKENS.length);
        }
    }

    @Test
    void everyThreadCountGivesTheSameBits() {
        // Wide enough that every range splits (each past WorkerTeam.SPLIT_FROM multiply-adds): the classifier, Q/K/V's
        // rows, O, gate/up with SwiGLU, down, and attention's heads past 62 positions (2 x 6 heads x n x 22); rows that
        // no thread count divides evenly.
        // Low-bit projections split the same ranges (q, k, v quantized once, rows to the integer kernels).
        LlamaConfig c = new LlamaConfig(132, 160, 2, 6, 2, 301, 200, false);
        LlamaModel floats = RandomLlama.model(c, 11);
        int[] tokens = new java.util.SplittableRandom(5).ints(200, 0, c.vocab()).toArray();
        LlamaModel lowBit = floats.lowBit(BitLinearPlan.parse("all=ternary,v=binary,o=binary-signs"), io.binaryllm.lowbit.LowBitKernels.java());
        for (LlamaModel m : new LlamaModel[]{floats, lowBit}) {
            for (KvPolicy policy : new KvPolicy[]{KvPolicies.full(), KvPolicies.window(64, 4)}) {
                int[][] expected = null;
                for (int threads : new int[]{1, 2, 3, 5}) {
                    int[][] bits = logitBits(new Decoder(m, policy, c.seqLen(), false, new io.binaryllm.kvcache.internal.WorkerTeam(threads)), tokens);
                    if (expected == null) {
                        expected = bits;
                    } else {
                        assertThat(bits).as("%s, %s on %d threads", m.plan().toShortString(), policy.describe(), threads).isDeepEqualTo(expected);
                    }
                }
            }
        }
    }

    private static int[][] logitBits(Decoder d, int[] tokens) {
        int[][] bits = new int[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            float[] logits = d.next(tokens[t]);
            bits[t] = new int[logits.length];
            for (int i = 0; i < logits.length; i++) {
                bits[t][i] = Float.floatToRawIntBits(logits[i]);
            }
        }
        return bits;
    }

    @Test
    void twoDecodersAndAWrittenAndReadCheckpointGiveTheSameBits() {
        for (LlamaConfig c : new LlamaConfig[]{MHA, GQA}) {
            LlamaModel m = RandomLlama.model(c, 4);
            Path file = dir.resolve((c.sharedClassifier() ? "shared" : "stored") + ".bin");
            Llama2c.write(file, false, m);
            LlamaModel read = Llama2c.read(file);
            assertThat(read.config()).isEqualTo(c);
            assertThat(read.weights().classifier() == read.weights().embedding()).isEqualTo(c.sharedClassifier());
            Decoder a = m.decoder();
            Decoder b = read.decoder();
            for (int token : TOKENS) {
                assertThat(Arrays.equals(a.next(token), b.next(token))).isTrue();
            }
        }
    }

    @Test
    void badCheckpointsAreRefusedNamingFileAndField() throws IOException {
        LlamaModel m = RandomLlama.model(MHA, 5);
        Path good = dir.resolve("m.bin");
        Llama2c.write(good, false, m);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("t.bin");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Llama2c.read(truncated)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(truncated.toString()).hasMessageContaining("truncated");
        Path longer = dir.resolve("l.bin");
        Files.write(longer, Arrays.copyOf(bytes, bytes.length + 4));
        assertThatThrownBy(() -> Llama2c.read(longer)).hasMessageContaining("4 bytes too many");

        Path badHeads = dir.resolve("h.bin");
        byte[] h = bytes.clone();
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * Integer.BYTES, 2); // n_kv_heads 2 of 3 heads
        Files.write(badHeads, h);
        assertThatThrownBy(() -> Llama2c.read(badHeads)).isInstanceOf(BadInputException.class).hasMessageContaining("n_kv_heads");

        Path negative = dir.resolve("n.bin");
        byte[] n = bytes.clone();
        ByteBuffer.wrap(n).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -24);
        Files.write(negative, n);
        assertThatThrownBy(() -> Llama2c.read(negative)).hasMessageContaining("dim must be positive");

        Path nan = dir.resolve("nan.bin");
        byte[] f = bytes.clone();
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putFloat(28 + 4 * 10, Float.NaN);
        Files.write(nan, f);
        assertThatThrownBy(() -> Llama2c.read(nan)).hasMessageContaining("token_embedding_table element 10 is NaN");

        assertThatThrownBy(() -> Llama2c.read(dir.resolve("missing.bin"))).hasMessageContaining("no such file");
        assertThatThrownBy(() -> Llama2c.write(good, false, m)).hasMessageContaining("exists");
    }

    @Test
    void tokensOutsideTheVocabularyOrPastTheContextAreRefused() {
        Decoder d = RandomLlama.model(new LlamaConfig(8, 8, 1, 2, 1, 5, 3, true), 6).decoder();
        assertThatThrownBy(() -> d.next(5)).isInstanceOf(BadArgumentException.class).hasMessageContaining("between 0 and 4, got 5");
        d.next(0);
        d.next(1);
        d.next(2);
        assertThatThrownBy(() -> d.next(3)).isInstanceOf(BadArgumentException.class).hasMessageContaining("context is full: 3");
    }

    /**
     * A cache shorter than the model's context gives the same logits while it lasts and refuses the token past it; a
     * context the heap cannot hold (as a GGUF header may claim) and weights the heap cannot hold are refused in one
     * sentence naming the memory, never an OutOfMemoryError.
     */
    @Test
    void cachesAndWeightsTheHeapCannotHoldAreRefusedInWords() {
        LlamaModel m = RandomLlama.model(GQA, 7);
        try (Decoder whole = m.decoder(); Decoder short4 = m.decoder(KvPolicies.full(), 4)) {
            for (int i = 0; i < 4; i++) {
                assertThat(Arrays.equals(short4.next(TOKENS[i]), whole.next(TOKENS[i]))).isTrue();
            }
            assertThatThrownBy(() -> short4.next(1)).isInstanceOf(BadArgumentException.class)
                    .hasMessageContaining("the context is full: 4 positions (the cache's size)");
        }
        assertThatThrownBy(() -> m.decoder(KvPolicies.full(), 0)).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("1 to 20 positions");
        LlamaModel huge = RandomLlama.model(new LlamaConfig(8, 8, 1, 2, 1, 5, Integer.MAX_VALUE, true), 8);
        assertThatThrownBy(huge::decoder).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("a cache of " + Integer.MAX_VALUE + " positions needs").hasMessageContaining("MB free");
        assertThat(huge.decoder(KvPolicies.full(), 16).next(1)).hasSize(5);
        assertThatThrownBy(() -> LlamaModel.requireHeapFor("big.gguf", new LlamaConfig(65536, 65536, 64, 64, 64, 32000, 8, true)))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("big.gguf: ").hasMessageContaining("MB of heap");
    }

    /**
     * A context beyond llama2.c's int arithmetic is refused in one line before anything is allocated (it crashed the
     * JVM: "Unable to allocate 68719545216 bytes" for its rotary tables).
     */
    @Test
    void aContextLlama2cCannotIndexIsRefused() {
        LlamaConfig huge = new LlamaConfig(24, 40, 2, 3, 3, 37, Integer.MAX_VALUE, false);
        LlamaModel m = LlamaModel.of(huge, RandomLlama.model(MHA, 3).weights());
        assertThatThrownBy(() -> Llama2c.write(dir.resolve("huge.bin"), false, m)).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("rotary tables of seq_len x head_size floats, 17179869176 for a context of 2147483647")
                .hasMessageContaining("write GGUF");
        assertThat(dir.resolve("huge.bin")).doesNotExist();
    }
}
