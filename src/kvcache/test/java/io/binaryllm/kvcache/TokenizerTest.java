package io.binaryllm.kvcache;

import io.binaryllm.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** llama2.c's byte-pair encoding on a small hand-made vocabulary. */
class TokenizerTest {
    @TempDir
    Path dir;

    /** <unk> <s> </s>, the 256 byte tokens, then: " ", "a", "b", "ab", " ab", "é" with merge scores. */
    static final List<String> TOKENS = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    static final float[] SCORES;

    static {
        for (int b = 0; b < 256; b++) {
            TOKENS.add(String.format("<0x%02X>", b));
        }
        TOKENS.addAll(List.of(" ", "a", "b", "ab", " ab", "é", "ba"));
        SCORES = new float[TOKENS.size()];
        SCORES[TOKENS.indexOf("ab")] = -1;
        SCORES[TOKENS.indexOf(" ab")] = -2;
        SCORES[TOKENS.indexOf("ba")] = -5;
    }

    private static int id(String s) {
        return TOKENS.indexOf(s);
    }

    private Path write(List<String> tokens, float[] scores) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(8);
        out.write(b.array());
        for (int i = 0; i < tokens.size(); i++) {
            byte[] s = tokens.get(i).getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(scores[i]).putInt(s.length).array());
            out.write(s);
        }
        Path f = dir.resolve("tokenizer.bin");
        Files.write(f, out.toByteArray());
        return f;
    }

    @Test
    void encodesAsRunCDoes() throws Exception {
        Tokenizer t = Tokenizer.read(write(TOKENS, SCORES), TOKENS.size());
        // " " + "a" "b" " " "a" "b" "b": "ab" (score -1) merges first, both times; then " ab" (-2), both times, the
        // first pair first; "ba" (-5) never forms once the a's are taken; the last b stays.
        assertThat(t.encode("ab abb", true)).containsExactly(Tokenizer.BOS, id(" ab"), id(" ab"), id("b"));
        // Scores decide, not position: with "ba" preferred, "b" "a" merges before "a" "b" can.
        float[] baFirst = SCORES.clone();
        baFirst[id("ba")] = 0;
        Tokenizer u = Tokenizer.of(TOKENS, baFirst);
        assertThat(u.encode("aba", false)).containsExactly(id(" "), id("a"), id("ba"));
        // A code point with a token stays whole; one without is spelled in byte tokens (id = byte + 3).
        assertThat(t.encode("é€", false)).containsExactly(id(" "), id("é"), 0xE2 + 3, 0x82 + 3, 0xAC + 3);
        assertThat(t.decode(t.encode("ab abb é€", true))).isEqualTo("ab abb é€");
        assertThat(t.encode("", true)).containsExactly(Tokenizer.BOS);
    }

    @Test
    void aTokenizerOfAnotherVocabularyIsRefused() throws Exception {
        Path f = write(TOKENS, SCORES);
        assertThatThrownBy(() -> Tokenizer.read(f, TOKENS.size() + 1)).isInstanceOf(BadInputException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Tokenizer.read(f, TOKENS.size() - 1)).hasMessageContaining("bytes after the model's");
        assertThatThrownBy(() -> Tokenizer.read(dir.resolve("none.bin"), 10)).hasMessageContaining("no such file");
    }
}
