package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.AtomicOutput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

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
        // a tokenizer.bin is a few bytes a token: more than 1 KiB a token of the model's vocabulary is not one
        FileKinds.requireRegularFile(file, 1024L * Math.max(1, vocab) + 4, "a tokenizer of " + vocab + " tokens");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
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
                if (len > b.remaining()) { // before the allocation: a length is read from the file
                    throw new BufferUnderflowException();
                }
                byte[] s = new byte[len];
                b.get(s);
                tokens[i] = new String(s, StandardCharsets.UTF_8);
            }
        } catch (BufferUnderflowException e) {
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

    /**
     * {@code text}'s tokens, after {@link #BOS} when {@code bos}: run.c's result (highest-scoring merge first, the
     * leftmost on ties; a merge scored NaN or -infinity never wins there, so never here), found with a heap of candidate
     * pairs over a linked list of tokens, so a novel encodes in a second rather than run.c's quadratic rescans.
     */
    public int[] encode(String text, boolean bos) {
        int[] t = initialTokens(text);
        int n = t.length;
        int[] next = new int[n];
        int[] prev = new int[n];
        int[] stamp = new int[n]; // bumped whenever the pair starting at a node changes, which retires its heap entries
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<long[]> heap = new PriorityQueue<>(Math.max(1, n), Tokenizer::higherScoreThenLeftmost);
        for (int i = 0; i + 1 < n; i++) {
            offer(heap, t, next, stamp, i);
        }
        while (!heap.isEmpty()) {
            long[] e = heap.poll();
            int at = (int) e[1];
            if (t[at] < 0 || stamp[at] != (int) e[2]) {
                continue;
            }
            int right = next[at];
            t[at] = (int) e[3];
            t[right] = -1;
            next[at] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = at;
            }
            stamp[at]++;
            if (prev[at] >= 0) {
                stamp[prev[at]]++;
                offer(heap, t, next, stamp, prev[at]);
            }
            offer(heap, t, next, stamp, at);
        }
        int[] out = new int[(bos ? 1 : 0) + n];
        int size = 0;
        if (bos) {
            out[size++] = BOS;
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            out[size++] = t[i];
        }
        return Arrays.copyOf(out, size);
    }

    /** The dummy-prefix space and each code point as its token or its UTF-8 byte tokens, before any merge. */
    private int[] initialTokens(String text) {
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
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Queues the merge of the pair starting at node {@code at} as {score bits, at, stamp, merged id}, if it is a token. */
    private void offer(PriorityQueue<long[]> heap, int[] t, int[] next, int[] stamp, int at) {
        int right = next[at];
        if (right < 0) {
            return;
        }
        Integer id = ids.get(tokens[t[at]] + tokens[t[right]]);
        if (id == null || Float.isNaN(scores[id]) || scores[id] == Float.NEGATIVE_INFINITY) {
            return;
        }
        heap.add(new long[]{Float.floatToRawIntBits(scores[id]), at, stamp[at], id});
    }

    private static int higherScoreThenLeftmost(long[] a, long[] b) {
        float x = Float.intBitsToFloat((int) a[0]);
        float y = Float.intBitsToFloat((int) b[0]);
        if (x != y) { // == rather than Float.compare: run.c's > treats 0.0 and -0.0 as one score
            return x > y ? -1 : 1;
        }
        return Long.compare(a[1], b[1]);
    }

    /** Writes this vocabulary as llama2.c's {@code tokenizer.bin} (not over an existing file unless {@code overwrite}). */
    public void write(Path target, boolean overwrite) {
        byte[][] bytes = new byte[tokens.length][];
        int maxLength = 0;
        long size = Integer.BYTES;
        for (int i = 0; i < tokens.length; i++) {
            bytes[i] = tokens[i].getBytes(StandardCharsets.UTF_8);
            maxLength = Math.max(maxLength, bytes[i].length);
            size += Float.BYTES + Integer.BYTES + bytes[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(maxLength);
        for (int i = 0; i < tokens.length; i++) {
            b.putFloat(scores[i]).putInt(bytes[i].length).put(bytes[i]);
        }
        AtomicOutput.writeBytes(target, overwrite, b.array());
    }

    /** Token {@code id}'s text ({@code <0xXX>} for a byte token). */
    public String token(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new BadArgumentException("id", "token must be between 0 and " + (tokens.length - 1) + ", got " + id);
        }
        return tokens[id];
    }

    /** Token {@code id}'s merge score. */
    public float score(int id) {
        token(id);
        return scores[id];
    }

    /** The text of {@code tokens} (byte tokens as their bytes; the space after BOS dropped, as run.c prints). */
    public String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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
