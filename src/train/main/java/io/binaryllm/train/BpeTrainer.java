package io.binaryllm.train;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns a byte-pair vocabulary in llama2.c's layout ({@code <unk> <s> </s>}, the 256 byte tokens, the text's code
 * points, then merges scored by rank, the first merge highest) for {@link Tokenizer}'s run.c encoding. Merges are
 * counted within chunks (a word with the space before it, a number, a run of punctuation, a newline), so no token
 * spans a word boundary and run.c's global merge order reproduces them; ties between pairs go to the earlier pair of
 * symbol ids, so the vocabulary is a function of the text alone.
 */
public final class BpeTrainer {
    private static final Pattern CHUNK = Pattern.compile(" ?[\\p{L}\\p{M}']+| ?\\p{N}+| ?[^\\s\\p{L}\\p{M}\\p{N}']+|\\s");
    private static final int SPECIAL_AND_BYTES = 3 + 256;

    private BpeTrainer() {
    }

    /**
     * A vocabulary of {@code vocab} tokens (fewer when the text runs out of pairs) for {@code text}: code points seen
     * at least twice are tokens of their own, rarer ones are spelled in byte tokens, which no merge takes.
     */
    public static Tokenizer train(String text, int vocab) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        Map<Integer, Long> codePoints = new TreeMap<>();
        (" " + text).codePoints().forEach(cp -> codePoints.merge(cp, 1L, Long::sum));
        Map<String, Integer> ids = new HashMap<>();
        codePoints.entrySet().stream().filter(e -> e.getValue() >= 2)
                .sorted((a, b) -> a.getValue().equals(b.getValue()) ? Integer.compare(a.getKey(), b.getKey()) : Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> {
                    ids.put(new String(Character.toChars(e.getKey())), tokens.size());
                    tokens.add(new String(Character.toChars(e.getKey())));
                });
        if (tokens.size() > vocab) {
            throw new BadArgumentException("vocab", "the text has " + (tokens.size() - SPECIAL_AND_BYTES)
                    + " code points of its own; a vocabulary needs room for them and 259 special and byte tokens, got " + vocab);
        }
        List<int[]> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        chunks(text, ids, words, counts);
        int firstMerge = tokens.size();
        while (tokens.size() < vocab) {
            long best = -1;
            long bestCount = 0;
            Map<Long, Long> pairs = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    if (s[i] < SPECIAL_AND_BYTES || s[i + 1] < SPECIAL_AND_BYTES) {
                        continue; // a byte token's text is not its name: run.c could not merge its concatenation
                    }
                    long key = ((long) s[i] << 32) | s[i + 1];
                    long n = pairs.merge(key, counts.get(w), Long::sum);
                    if (n > bestCount || (n == bestCount && key < best)) {
                        bestCount = n;
                        best = key;
                    }
                }
            }
            if (bestCount == 0) {
                break;
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            String merged = tokens.get(a) + tokens.get(b);
            Integer id = ids.get(merged);
            if (id == null) {
                id = tokens.size();
                tokens.add(merged);
                ids.put(merged, id);
            }
            for (int w = 0; w < words.size(); w++) {
                words.set(w, merge(words.get(w), a, b, id));
            }
        }
        float[] scores = new float[tokens.size()];
        for (int i = firstMerge; i < scores.length; i++) {
            scores[i] = -(i - firstMerge + 1);
        }
        return Tokenizer.of(tokens, scores);
    }

    /** The text's distinct chunks (a leading space included: run.c's dummy prefix) as symbol ids, with their counts. */
    private static void chunks(String text, Map<String, Integer> ids, List<int[]> words, List<Long> counts) {
        Map<String, Long> distinct = new LinkedHashMap<>();
        Matcher m = CHUNK.matcher(" " + text);
        while (m.find()) {
            distinct.merge(m.group(), 1L, Long::sum);
        }
        for (Map.Entry<String, Long> e : distinct.entrySet()) {
            List<Integer> symbols = new ArrayList<>();
            e.getKey().codePoints().forEach(cp -> {
                String s = new String(Character.toChars(cp));
                Integer id = ids.get(s);
                if (id != null) {
                    symbols.add(id);
                } else {
                    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
                        symbols.add((x & 0xff) + 3);
                    }
                }
            });
            if (symbols.size() > 1) {
                words.add(symbols.stream().mapToInt(Integer::intValue).toArray());
                counts.add(e.getValue());
            }
        }
    }

    private static int[] merge(int[] s, int a, int b, int id) {
        int n = 0;
        int[] out = null;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                if (out == null) {
                    out = Arrays.copyOf(s, s.length);
                    n = i;
                }
                out[n++] = id;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? s : Arrays.copyOf(out, n);
    }
}
