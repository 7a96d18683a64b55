package io.binaryllm.kvcache;

import io.binaryllm.BadInputException;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.TernaryFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GGUF files this project writes: float and low-bit models come back with the same plan and the same logit bits; a
 * ternary model of whole blocks is stored in llama.cpp's TQ2_0; the tokenizer travels in llama.cpp's spelling; a file
 * is complete or absent, replaced only when asked; damaged low-bit tensors are refused naming the tensor.
 */
class GgufLowBitTest {
    @TempDir
    Path dir;

    private static final int[] TOKENS = {1, 5, 0, 28, 28, 7, 3, 19, 2, 11, 4, 4};
    private static final LlamaConfig BLOCKS = new LlamaConfig(256, 512, 2, 4, 2, 31, 16, false);

    private static float[][] logits(LlamaModel m) {
        Decoder d = m.decoder();
        float[][] out = new float[TOKENS.length][];
        for (int t = 0; t < TOKENS.length; t++) {
            out[t] = d.next(TOKENS[t] % m.config().vocab());
        }
        return out;
    }

    @Test
    void everyPlanComesBackWithTheSameLogitBits() {
        int i = 0;
        for (LlamaConfig c : new LlamaConfig[]{DecoderTest.MHA, DecoderTest.GQA, BLOCKS}) {
            for (String text : List.of("all=float", "all=ternary", "all=binary", "all=binary-signs,down=binary",
                    "attention=ternary,mlp=binary,embedding=int8")) {
                LlamaModel m = RandomLlama.model(c, 9).lowBit(BitLinearPlan.parse(text), LowBitKernels.scalar());
                Path file = dir.resolve("m" + i++ + ".gguf");
                Gguf.write(file, false, m, null);
                LlamaModel read = Gguf.read(file);
                assertThat(read.plan()).as(text).isEqualTo(m.plan());
                assertThat(read.config()).isEqualTo(c);
                assertThat(read.projectionBytes()).isEqualTo(m.projectionBytes());
                assertThat(logits(read)).as("%s %s", c, text).isDeepEqualTo(logits(m));
                assertThat(logits(read.withKernels(LowBitKernels.scalar()))).isDeepEqualTo(logits(m));
            }
        }
    }

    @Test
    void int8TablesAreStoredAsCodesAndALowBitModelKeepsWhatItHolds() throws IOException {
        for (LlamaConfig c : new LlamaConfig[]{DecoderTest.MHA, DecoderTest.GQA}) {
            String tables = c.sharedClassifier() ? "embedding=int8" : "embedding=int8,classifier=int8";
            LlamaModel ternary = RandomLlama.model(c, 12).lowBit(BitLinearPlan.parse("all=ternary"), LowBitKernels.java());
            LlamaModel int8 = ternary.lowBit(BitLinearPlan.parse("all=ternary," + tables), LowBitKernels.java());
            Path floats = dir.resolve("f" + c.dim() + ".gguf");
            Path codes = dir.resolve("c" + c.dim() + ".gguf");
            Gguf.write(floats, false, ternary, null);
            Gguf.write(codes, false, int8, null);
            // a weight of each table from 4 bytes to 1, a float scale a row beside it
            int tableCount = c.sharedClassifier() ? 1 : 2;
            long saved = tableCount * ((long) c.vocab() * c.dim() * 3 - 4L * c.vocab());
            assertThat(Files.size(floats) - Files.size(codes)).as("%s", c).isBetween(saved - 256, saved); // less the scale tensors' infos and padding
            LlamaModel read = Gguf.read(codes);
            assertThat(read.plan()).isEqualTo(int8.plan());
            assertThat(logits(read)).isDeepEqualTo(logits(int8));
            // the trained (read) ternary rows and int8 tables are kept, not quantized again from their floats
            assertThat(logits(read.lowBit(read.plan(), LowBitKernels.scalar()))).isDeepEqualTo(logits(int8));
            assertThat(logits(Gguf.read(floats).lowBit(int8.plan(), LowBitKernels.java()))).isDeepEqualTo(logits(int8));
            // the int8 grid: each row's largest |w| at +-127 of its scale
            float[] e = read.weights().embedding();
            float[] source = ternary.weights().embedding();
            for (int r = 0; r < c.vocab(); r++) {
                float max = 0;
                for (int j = 0; j < c.dim(); j++) {
                    max = Math.max(max, Math.abs(source[r * c.dim() + j]));
                }
                for (int j = 0; j < c.dim(); j++) {
                    float scale = max / 127f;
                    assertThat(e[r * c.dim() + j]).isEqualTo((float) Math.rint(source[r * c.dim() + j] / scale) * scale);
                }
            }
        }
    }

    @Test
    void aDamagedOrUnplannedInt8TableIsNamed() throws IOException {
        LlamaModel m = RandomLlama.model(DecoderTest.GQA, 3).lowBit(BitLinearPlan.parse("mlp=ternary,embedding=int8"), LowBitKernels.java());
        Path file = dir.resolve("e.gguf");
        Gguf.write(file, false, m, null);
        byte[] good = Files.readAllBytes(file);
        String text = new String(good, StandardCharsets.ISO_8859_1);
        int data = dataStart(good, "output_norm.weight");
        byte[] bad = good.clone();
        bad[data + 7] = (byte) 0x80; // token_embd's eighth code
        Files.write(file, bad);
        assertThatThrownBy(() -> Gguf.read(file)).isInstanceOf(BadInputException.class).hasMessageContaining("e.gguf")
                .hasMessageContaining("tensor token_embd: code 7 is -128");
        byte[] unplanned = good.clone();
        int key = text.indexOf("embedding=int8");
        System.arraycopy("embedding=flt8".getBytes(StandardCharsets.ISO_8859_1), 0, unplanned, key, 14);
        Files.write(file, unplanned);
        assertThatThrownBy(() -> Gguf.read(file)).isInstanceOf(BadInputException.class).hasMessageContaining("binaryllm.layers");
        byte[] noScale = good.clone();
        int scale = text.indexOf("token_embd.scale");
        noScale[scale] = 'T';
        Files.write(file, noScale);
        assertThatThrownBy(() -> Gguf.read(file)).isInstanceOf(BadInputException.class).hasMessageContaining("tensor token_embd.scale is missing");
        Files.write(file, good);
        assertThat(logits(Gguf.read(file))).isDeepEqualTo(logits(m));
    }

    @Test
    void aTernaryModelOfWholeBlocksIsAPlainLlamaCppFileInTq2() throws IOException {
        LlamaModel m = RandomLlama.model(BLOCKS, 2).lowBit(BitLinearPlan.uniform(BitLinearPlan.Kind.TERNARY), LowBitKernels.java());
        Path file = dir.resolve("tq2.gguf");
        Gguf.write(file, false, m, null);
        byte[] bytes = Files.readAllBytes(file);
        // tensor types: only F32 (0) and TQ2_0 (35), and no .scale tensors
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("blk.1.ffn_down.weight").doesNotContain(".scale");
        // 14 projections of 2.0625 bits a weight, the float embedding, classifier and norms, the header
        long projections = m.projectionBytes();
        assertThat(projections).isEqualTo(2L * (2 * 256 * 256 + 2 * 128 * 256 + 3 * 512 * 256) / 256 * 66);
        assertThat((long) bytes.length).isBetween(projections + 2L * 31 * 256 * 4, projections + 2L * 31 * 256 * 4 + 8192);
        // read without the plan (as llama.cpp would see it), the TQ2_0 tensors dequantize to the same weights
        LlamaModel read = Gguf.read(file);
        assertThat(read.weights().w2()).isEqualTo(dequantized(m).weights().w2());
    }

    /** TQ1_0 on file (1.69 bits a weight) reads back to the same trits and scales, the same logit bits. */
    @Test
    void tq1BlocksComeBackAsTheSameModel() throws IOException {
        LlamaModel m = RandomLlama.model(BLOCKS, 6).lowBit(BitLinearPlan.parse("mlp=ternary,q=ternary"), LowBitKernels.java());
        Path tq1 = dir.resolve("tq1.gguf");
        Path tq2 = dir.resolve("tq2b.gguf");
        Gguf.write(tq1, false, m, null, TernaryFormat.TQ1_0);
        Gguf.write(tq2, false, m, null);
        assertThat(logits(Gguf.read(tq1))).isDeepEqualTo(logits(m));
        // 4 ternary matrices a layer: 256 x 256 and 3 of 512 x 256, at 54 bytes a block instead of 66
        long blocks = 2L * (256 * 256 + 3 * 512 * 256) / 256;
        assertThat(Files.size(tq2) - Files.size(tq1)).isEqualTo(blocks * (66 - 54));
    }

    /** The model's float view (its projections dequantized), as a file read back has it. */
    private LlamaModel dequantized(LlamaModel m) {
        Path f = dir.resolve("view.gguf");
        Gguf.write(f, true, m, null);
        return Gguf.read(f);
    }

    /** Ternary rows not of whole blocks are stored at 2 bits a weight (4 trits a byte), the padding of a row ignored. */
    @Test
    void tritsPackFourAByte() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        for (int cols : new int[]{1, 3, 4, 5, 63, 64, 65, 192}) {
            byte[] trits = new byte[3 * cols];
            for (int i = 0; i < trits.length; i++) {
                trits[i] = (byte) (r.nextInt(3) - 1);
            }
            byte[] packed = GgufOutput.packTrits(trits, 3, cols);
            assertThat(packed).hasSize(3 * ((cols + 3) / 4));
            assertThat(GgufOutput.unpackTrits(packed, 3, cols)).isEqualTo(trits);
        }
        assertThat(GgufOutput.packTrits(new byte[]{-1, 0, 1, 1, -1}, 1, 5)).containsExactly((byte) 0b10_10_01_00, (byte) 0b00);
        LlamaModel f = RandomLlama.model(DecoderTest.MHA, 3);
        Path floatFile = dir.resolve("f.gguf");
        Path ternaryFile = dir.resolve("t.gguf");
        Gguf.write(floatFile, false, f, null);
        Gguf.write(ternaryFile, false, f.lowBit(BitLinearPlan.uniform(BitLinearPlan.Kind.TERNARY), LowBitKernels.java()), null);
        // 2 layers of q, k, v, o (24 x 24), gate, up (40 x 24), down (24 x 40): float32 41,472 bytes; packed, 6 bytes a
        // row of 24 and 10 a row of 40: 2,592 bytes; each of the 14 tensors gains a scale tensor, an entry and padding
        long floats = 2L * 4 * (4 * 24 * 24 + 3 * 40 * 24);
        long packed = 2L * ((4 * 24 + 2 * 40) * 6 + 24 * 10);
        assertThat(Files.size(ternaryFile)).isBetween(Files.size(floatFile) - floats + packed, Files.size(floatFile) - floats + packed + 14 * 128);
    }

    @Test
    void theTokenizerTravelsInLlamaCppsSpelling() {
        Tokenizer t = Tokenizer.of(TokenizerTest.TOKENS, TokenizerTest.SCORES);
        LlamaConfig c = new LlamaConfig(24, 40, 1, 3, 3, t.vocab(), 16, true);
        Path file = dir.resolve("tok.gguf");
        Gguf.write(file, false, RandomLlama.model(c, 1), t);
        Tokenizer back = Gguf.readTokenizer(file);
        assertThat(back.vocab()).isEqualTo(t.vocab());
        for (int i = 0; i < t.vocab(); i++) {
            assertThat(back.token(i)).isEqualTo(t.token(i));
            assertThat(back.score(i)).isEqualTo(t.score(i));
        }
        assertThat(back.encode(" ab ba é", true)).isEqualTo(t.encode(" ab ba é", true));
        assertThatThrownBy(() -> Gguf.write(dir.resolve("other.gguf"), false, RandomLlama.model(DecoderTest.MHA, 1), t))
                .hasMessageContaining("a tokenizer of " + t.vocab() + " tokens for a model of 37");
    }

    @Test
    void filesAreReplacedOnlyWhenAskedAndDamageIsNamed() throws IOException {
        LlamaModel m = RandomLlama.model(DecoderTest.MHA, 4).lowBit(BitLinearPlan.parse("all=binary,q=ternary"), LowBitKernels.java());
        Path file = dir.resolve("m.gguf");
        Gguf.write(file, false, m, null);
        assertThatThrownBy(() -> Gguf.write(file, false, m, null)).hasMessageContaining("exists");
        Gguf.write(file, true, m, null);
        byte[] good = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(good, good.length - 100));
        assertThatThrownBy(() -> Gguf.read(file)).isInstanceOf(BadInputException.class).hasMessageContaining("m.gguf")
                .hasMessageContaining("truncated");
        // a 2-bit field of 3 in the packed trits of blk.0.attn_q
        byte[] bad = good.clone();
        String text = new String(good, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("blk.0.attn_q.scale");
        int dataStart = dataStart(good);
        bad[dataStart + 37 * 24 * 4 + 24 * 4 + 5] = (byte) 0xff; // past token_embd (F32, 37 x 24) and blk.0.attn_norm (24 F32)
        Files.write(file, bad);
        assertThatThrownBy(() -> Gguf.read(file)).isInstanceOf(BadInputException.class).hasMessageContaining("m.gguf")
                .hasMessageContaining("tensor blk.0.attn_q.weight holds a 2-bit field of 3");
        Files.write(file, good);
        assertThat(logits(Gguf.read(file))).isDeepEqualTo(logits(m));
    }

    /** Where the data section of a file this project wrote begins: past its last tensor info, {@code output.weight}. */
    private static int dataStart(byte[] file) {
        return dataStart(file, "output.weight");
    }

    /** Where the data section begins: past the last tensor info, {@code last} (two dimensions, or one when a norm). */
    private static int dataStart(byte[] file, String last) {
        // the header, metadata and tensor infos end at a multiple of 32; the data section follows
        String text = new String(file, StandardCharsets.ISO_8859_1);
        int lastInfo = text.lastIndexOf(last);
        int dims = last.contains("norm") ? 1 : 2;
        return (lastInfo + last.length() + 4 + 8 * dims + 4 + 8 + 31) / 32 * 32;
    }
}
