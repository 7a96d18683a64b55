package io.binaryllm.kvcache;

import io.binaryllm.BadInputException;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** GGUF files against llama2.c checkpoints of the same weights: the same model, the same logits bit for bit. */
class GgufTest {
    @TempDir
    Path dir;

    /** Rows of 32-multiples (Q8_0 blocks), grouped-query; stored and shared classifiers. */
    private static final LlamaConfig STORED = new LlamaConfig(64, 96, 2, 4, 2, 40, 12, false);
    private static final LlamaConfig SHARED = new LlamaConfig(64, 96, 2, 4, 4, 40, 12, true);
    private static final int[] TOKENS = {1, 7, 7, 39, 0, 12, 5, 3};

    @Test
    void f32F16Q4_0AndQ8_0FilesGiveTheLlama2cModelsLogits() throws Exception {
        for (LlamaConfig c : new LlamaConfig[]{STORED, SHARED}) {
            LlamaModel m = RandomLlama.model(c, 31);
            for (int type : new int[]{GgufWriter.F32, GgufWriter.F16, GgufWriter.Q4_0, GgufWriter.Q8_0}) {
                Path gguf = dir.resolve("m-" + c.sharedClassifier() + "-" + type + ".gguf");
                Path bin = dir.resolve("m-" + c.sharedClassifier() + "-" + type + ".bin");
                GgufWriter.write(gguf, m, type);
                Llama2c.write(bin, false, GgufWriter.rounded(m, type));
                LlamaModel a = LlamaModel.load(gguf);
                LlamaModel b = LlamaModel.load(bin);
                assertThat(a.config()).isEqualTo(c);
                try (Decoder da = a.decoder(); Decoder db = b.decoder()) {
                    for (int token : TOKENS) {
                        assertThat(Arrays.equals(da.next(token), db.next(token))).as("type %d shared %s", type, c.sharedClassifier()).isTrue();
                    }
                }
            }
        }
    }

    /**
     * llama.cpp's ternary blocks, as its quantizer writes them (block absmax scales): the weights read back are trit
     * times half-precision scale exactly, so the logits are those of the same weights in a llama2.c file.
     */
    @Test
    void tq1_0AndTq2_0FilesGiveTheLogitsOfTheirWeights() throws Exception {
        LlamaConfig c = new LlamaConfig(256, 512, 1, 4, 2, 40, 12, false);
        LlamaModel m = RandomLlama.model(c, 37);
        for (int type : new int[]{GgufWriter.TQ1_0, GgufWriter.TQ2_0}) {
            Path gguf = dir.resolve("t" + type + ".gguf");
            Path bin = dir.resolve("t" + type + ".bin");
            GgufWriter.write(gguf, m, type);
            Llama2c.write(bin, false, GgufWriter.rounded(m, type));
            LlamaModel a = LlamaModel.load(gguf);
            LlamaModel b = LlamaModel.load(bin);
            assertThat(a.weights().wq()).isEqualTo(b.weights().wq());
            assertThat(a.weights().w2()).isEqualTo(b.weights().w2());
            try (Decoder da = a.decoder(); Decoder db = b.decoder()) {
                for (int token : TOKENS) {
                    assertThat(Arrays.equals(da.next(token), db.next(token))).as("type %d", type).isTrue();
                }
            }
        }
    }

    @Test
    void otherArchitecturesMissingTensorsAndTruncatedFilesAreRefusedNamingThem() throws Exception {
        LlamaModel m = RandomLlama.model(STORED, 32);
        Path gpt = dir.resolve("gpt.gguf");
        GgufWriter.write(gpt, m, GgufWriter.F32, "gpt2", null, null, null);
        assertThatThrownBy(() -> Gguf.read(gpt)).isInstanceOf(BadInputException.class)
                .hasMessage(gpt + ": general.architecture: 'gpt2'; only llama models are read");
        Path missing = dir.resolve("missing.gguf");
        GgufWriter.write(missing, m, GgufWriter.F16, "llama", "blk.1.ffn_up.weight", null, null);
        assertThatThrownBy(() -> Gguf.read(missing)).hasMessageContaining("tensor blk.1.ffn_up.weight is missing");
        Path good = dir.resolve("good.gguf");
        GgufWriter.write(good, m, GgufWriter.Q8_0);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> LlamaModel.load(cut)).hasMessageContaining("runs past the end of the file");
        Path header = dir.resolve("header.gguf");
        Files.write(header, Arrays.copyOf(bytes, 40));
        assertThatThrownBy(() -> Gguf.read(header)).hasMessageContaining("truncated at byte");
        Path notGguf = dir.resolve("not.gguf");
        Files.write(notGguf, new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> Gguf.read(notGguf)).hasMessageContaining("not a GGUF file");
    }

    /** A GGUF's own tokenizer (SentencePiece's U+2581 for spaces) encodes as llama2.c's tokenizer of the same vocabulary. */
    @Test
    void theTokenizerInTheMetadataEncodesAsLlama2cs() throws Exception {
        List<String> spaced = TokenizerTest.TOKENS;
        List<String> sentencePiece = spaced.stream().map(t -> t.replace(' ', '\u2581')).toList();
        LlamaConfig c = new LlamaConfig(64, 96, 1, 4, 4, spaced.size(), 12, true);
        Path f = dir.resolve("tok.gguf");
        GgufWriter.write(f, RandomLlama.model(c, 33), GgufWriter.F32, "llama", null, sentencePiece, TokenizerTest.SCORES);
        Tokenizer fromGguf = Gguf.readTokenizer(f);
        Tokenizer reference = Tokenizer.of(spaced, TokenizerTest.SCORES);
        for (String text : new String[]{"ab abb", "é€ ba", ""}) {
            assertThat(fromGguf.encode(text, true)).as(text).containsExactly(reference.encode(text, true));
        }
        assertThat(LlamaModel.load(f).config()).isEqualTo(c); // the model reads past the tokenizer's metadata
        Path none = dir.resolve("none.gguf");
        GgufWriter.write(none, RandomLlama.model(c, 34), GgufWriter.F32);
        assertThatThrownBy(() -> Gguf.readTokenizer(none)).hasMessageContaining("tokenizer.ggml.model: missing");
    }

    /**
     * Q6_K (llama-quantize's type for the token embedding of TQ1_0 and TQ2_0 files): a block of chosen bits against
     * the weights written out by hand from block_q6_K's layout: weight i of the block's half h (128 weights) at
     * position 32 j + l takes its low nibble from ql[64 h + l + 32 (j % 2)] (high nibble when j >= 2), its high pair
     * from bits 2 j of qh[32 h + l], its sub-scale from scales[8 h + l / 16 + 2 j].
     */
    @Test
    void q6kBlocksDequantizeAsGgmlDoes() {
        byte[] b = new byte[210];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 208; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        short d = Float.floatToFloat16(0.0123f);
        b[208] = (byte) d;
        b[209] = (byte) (d >> 8);
        float[] out = new float[256];
        assertThat(Gguf.q6k(b, out, 0)).isTrue();
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 4; j++) {
                for (int l = 0; l < 32; l++) {
                    int low = b[64 * h + l + 32 * (j % 2)] & 0xff;
                    int nibble = j >= 2 ? low >> 4 : low & 0xf;
                    int high = (b[128 + 32 * h + l] & 0xff) >> (2 * j) & 3;
                    int q = (nibble | high << 4) - 32;
                    float scale = Float.float16ToFloat(d) * b[192 + 8 * h + l / 16 + 2 * j];
                    assertThat(out[128 * h + 32 * j + l]).as("h=%d j=%d l=%d", h, j, l).isEqualTo(scale * q);
                }
            }
        }
        b[209] = (byte) 0x7c; // an F16 infinity or NaN
        b[208] = 0;
        assertThat(Gguf.q6k(b, out, 0)).isFalse();
    }

    /** Where {@code text} first occurs in {@code bytes}, and the offset just past it. */
    private static int after(byte[] bytes, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + t.length <= bytes.length; i++) {
            for (int j = 0; j < t.length; j++) {
                if (bytes[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i + t.length;
        }
        throw new AssertionError(text + " not in the file");
    }

    /**
     * Headers that drive sizes and offsets beyond reason are one BadInputException naming the field or tensor, never an
     * ArithmeticException, an IndexOutOfBoundsException or a StackOverflowError.
     */
    @Test
    void hostileHeadersAreRefusedNamingTheFieldOrTensor() throws Exception {
        Path good = dir.resolve("good.gguf");
        GgufWriter.write(good, RandomLlama.model(STORED, 2), GgufWriter.F32);
        byte[] bytes = Files.readAllBytes(good);
        ByteBuffer le;

        byte[] huge = bytes.clone(); // llama.embedding_length: type u32 (4 bytes), then its value
        le = ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(after(huge, "llama.embedding_length") + 4, -1);
        assertThat(refusal(huge)).contains("llama.embedding_length: 4294967295 is beyond what this reader takes");

        byte[] offset = bytes.clone(); // token_embd.weight's entry: dims count, 2 dims, type, then its offset
        le = ByteBuffer.wrap(offset).order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(after(offset, "token_embd.weight") + 4 + 16 + 4, Long.MAX_VALUE - 100);
        assertThat(refusal(offset)).contains("tensor token_embd.weight runs past the end of the file");

        byte[] dims = bytes.clone();
        le = ByteBuffer.wrap(dims).order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(after(dims, "token_embd.weight") + 4, 1L << 33).putLong(after(dims, "token_embd.weight") + 12, 1L << 33);
        assertThat(refusal(dims)).contains("tensor token_embd.weight: dimensions [8589934592, 8589934592] hold more than 2^48 elements");

        // one metadata entry: an array of arrays of arrays ..., 200,000 deep
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(4 + 4 + 8 + 8 + 8 + 1 + 4).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(0x46554747).putInt(3).putLong(0).putLong(1).putLong(1).put((byte) 'x').putInt(9);
        nested.write(head.array());
        ByteBuffer level = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(9).putLong(1);
        for (int i = 0; i < 200_000; i++) {
            nested.write(level.array());
        }
        assertThat(refusal(nested.toByteArray())).contains("x: arrays nested more than 8 deep");
    }

    private String refusal(byte[] file) throws Exception {
        Path f = dir.resolve("hostile.gguf");
        Files.write(f, file);
        try {
            Gguf.read(f);
        } catch (BadInputException e) {
            assertThat(e.getMessage()).startsWith(f.toString());
            return e.getMessage();
        }
        throw new AssertionError("read without a refusal");
    }

    /** Every reader refuses a FIFO at once, naming it (opening one used to block for ever), and a directory. */
    @Test
    void readersRefuseSpecialFilesAtOnce() {
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe"));
        List<Runnable> readers = List.of(() -> LlamaModel.load(fifo), () -> Gguf.read(fifo), () -> Llama2c.read(fifo),
                () -> Tokenizer.read(fifo, 40), () -> Gguf.readTokenizer(fifo), () -> LlamaModel.load(dir));
        for (Runnable reader : readers) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(reader::run).isInstanceOf(BadInputException.class)
                    .hasMessageMatching(".*(pipe: is a FIFO \\(named pipe\\)|: is a directory), not a regular file"));
        }
    }
}
