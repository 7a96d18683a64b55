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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

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

    /**
     * run.c's loop, transcribed: rescan every adjacent pair, merge the first of highest score, until none merges. The
     * oracle for the heap-based {@link Tokenizer#encode}.
     */
    private static List<Integer> runC(Tokenizer t, String text) {
        List<Integer> ids = new ArrayList<>();
        Map<String, Integer> lookup = new HashMap<>();
        for (int i = t.vocab() - 1; i >= 0; i--) {
            lookup.put(t.token(i), i);
        }
        if (!text.isEmpty() && lookup.containsKey(" ")) {
            ids.add(lookup.get(" "));
        }
        text.codePoints().forEach(cp -> {
            String s = new String(Character.toChars(cp));
            if (lookup.containsKey(s)) {
                ids.add(lookup.get(s));
            } else {
                for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
                    ids.add((x & 0xff) + 3);
                }
            }
        });
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestAt = -1;
            for (int i = 0; i + 1 < ids.size(); i++) {
                Integer id = lookup.get(t.token(ids.get(i)) + t.token(ids.get(i + 1)));
                if (id != null && t.score(id) > best) {
                    best = t.score(id);
                    bestId = id;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                return ids;
            }
            ids.set(bestAt, bestId);
            ids.remove(bestAt + 1);
        }
    }

    @Test
    void theHeapEncodingIsRunCsOnRandomVocabulariesWithTiedAndSpecialScores() {
        SplittableRandom r = new SplittableRandom(7);
        String alphabet = " abcé";
        float[] special = {0f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, -1f, -1f, -2f};
        for (int trial = 0; trial < 300; trial++) {
            List<String> tokens = new ArrayList<>(TOKENS.subList(0, 3 + 256));
            Set<String> seen = new LinkedHashSet<>();
            for (char c : alphabet.toCharArray()) {
                if (r.nextInt(6) > 0) {
                    seen.add(String.valueOf(c));
                }
            }
            int merges = 1 + r.nextInt(25);
            for (int m = 0; m < merges; m++) {
                StringBuilder b = new StringBuilder();
                for (int len = 2 + r.nextInt(4); len > 0; len--) {
                    b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                seen.add(b.toString());
            }
            tokens.addAll(seen);
            if (r.nextInt(4) == 0) {
                tokens.add(tokens.get(3 + 256)); // a repeated string: the first id wins the lookup
            }
            float[] scores = new float[tokens.size()];
            for (int i = 3 + 256; i < scores.length; i++) {
                scores[i] = r.nextInt(3) == 0 ? special[r.nextInt(special.length)] : -r.nextInt(8);
            }
            Tokenizer t = Tokenizer.of(tokens, scores);
            StringBuilder text = new StringBuilder();
            for (int len = r.nextInt(60); len > 0; len--) {
                text.append((alphabet + "x€").charAt(r.nextInt(alphabet.length() + 2)));
            }
            int[] fast = t.encode(text.toString(), false);
            assertThat(fast).as("trial %d: %s", trial, text).containsExactly(runC(t, text.toString()).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void writesWhatItReads() throws Exception {
        Tokenizer t = Tokenizer.read(write(TOKENS, SCORES), TOKENS.size());
        Path again = dir.resolve("again.bin");
        t.write(again, false);
        Tokenizer back = Tokenizer.read(again, TOKENS.size());
        for (int i = 0; i < TOKENS.size(); i++) {
            assertThat(back.token(i)).isEqualTo(TOKENS.get(i));
            assertThat(back.score(i)).isEqualTo(SCORES[i]);
        }
        // the header's max_token_length is the longest token in bytes ("<0x00>"), as llama2.c's export writes it
        assertThat(ByteBuffer.wrap(Files.readAllBytes(again)).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(6);
        assertThatThrownBy(() -> t.write(again, false)).hasMessageContaining("exists");
    }
}
