package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * llama2.c's tokenizer ({@code tokenizer.bin}: an int32 max token length, then per token a float32 merge score, an
 * int32 length and its bytes) and its byte-pair encoding as {@code run.c} does it: a dummy-prefix space, each UTF-8
 * code point looked up as a token or else spelled as byte tokens ({@code <0xXX>} = id byte + 3), then the adjacent
 * pair whose merge is a token of highest score merged (the first such pair on ties) until none is left.
 */
public final class Tokenizer {
    public static final int BOS = 1;
    public static final int EOS = 2;
    private static final int BYTE_OFFSET = 3;

    private final String[] tokens;
    private final float[] scores;
    private final Map<String, Integer> ids;

    private Tokenizer(String[] tokens, float[] scores) {
        this.tokens = tokens;
        this.scores = scores;
        this.ids = new HashMap<>();
        for (int i = tokens.length - 1; i >= 0; i--) {
            ids.put(tokens[i], i); // the first id of a repeated string wins, as run.c's sorted lookup finds one of them
        }
    }

    /** Reads {@code file} for a vocabulary of {@code vocab} tokens (the model's). */
    public static Tokenizer read(Path file, int vocab) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + e.getMessage());
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        try {
            int maxLength = b.getInt();
            for (int i = 0; i < vocab; i++) {
                scores[i] = b.getFloat();
                int len = b.getInt();
                if (len < 0 || len > maxLength) {
                    throw BadInputException.in(file, "token " + i + " has length " + len + " (max_token_length " + maxLength + ")");
                }
                byte[] s = new byte[len];
                b.get(s);
                tokens[i] = new String(s, StandardCharsets.UTF_8);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw BadInputException.in(file, "truncated: fewer than the model's " + vocab + " tokens");
        }
        if (b.hasRemaining()) {
            throw BadInputException.in(file, b.remaining() + " bytes after the model's " + vocab + " tokens (another vocabulary?)");
        }
        return new Tokenizer(tokens, scores);
    }

    /** A tokenizer of these tokens and merge scores (tests, other formats). */
    public static Tokenizer of(List<String> tokens, float[] scores) {
        if (tokens.size() != scores.length || tokens.size() < BYTE_OFFSET + 256) {
            throw new BadArgumentException("tokens", "a token a score, and room for the 256 byte tokens after id 2");
        }
        return new Tokenizer(tokens.toArray(String[]::new), scores.clone());
    }

    public int vocab() {
        return tokens.length;
    }

    /** {@code text}'s tokens, after {@link #BOS} when {@code bos}. */
    public int[] encode(String text, boolean bos) {
        List<Integer> out = new ArrayList<>();
        if (bos) {
            out.add(BOS);
        }
        List<Integer> t = new ArrayList<>();
        if (!text.isEmpty()) {
            Integer space = ids.get(" ");
            if (space != null) {
                t.add(space);
            }
        }
        text.codePoints().forEach(cp -> {
            String s = new String(Character.toChars(cp));
            Integer id = ids.get(s);
            if (id != null) {
                t.add(id);
            } else {
                for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
                    t.add((x & 0xff) + BYTE_OFFSET);
                }
            }
        });
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestId = -1;
            int bestAt = -1;
            for (int i = 0; i + 1 < t.size(); i++) {
                Integer id = ids.get(tokens[t.get(i)] + tokens[t.get(i + 1)]);
                if (id != null && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            t.set(bestAt, bestId);
            t.remove(bestAt + 1);
        }
        out.addAll(t);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The text of {@code tokens} (byte tokens as their bytes; the space after BOS dropped, as run.c prints). */
    public String decode(int[] tokens) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int previous = -1;
        for (int id : tokens) {
            if (id < 0 || id >= this.tokens.length) {
                throw new BadArgumentException("tokens", "token must be between 0 and " + (this.tokens.length - 1) + ", got " + id);
            }
            String s = this.tokens[id];
            if (previous == BOS && s.startsWith(" ")) {
                s = s.substring(1);
            }
            if (s.length() == 6 && s.startsWith("<0x") && s.endsWith(">")) {
                out.write(Integer.parseInt(s.substring(3, 5), 16));
            } else if (id != BOS && id != EOS) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            }
            previous = id;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
