package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A held-out text as a decoder reads it: its tokenizer (a GGUF file's own or llama2.c's), then windows of its tokens. */
final class TextWindows {
    private TextWindows() {
    }

    /** The tokenizer in {@code source} (a GGUF file or llama2.c's tokenizer.bin) for a model of {@code vocab} tokens. */
    static Tokenizer tokenizer(Path source, int vocab) {
        Tokenizer t = isGguf(source) ? Gguf.readTokenizer(source) : Tokenizer.read(source, vocab);
        if (t.vocab() != vocab) {
            throw BadInputException.in(source, "a tokenizer of " + t.vocab() + " tokens for a model of " + vocab);
        }
        return t;
    }

    /**
     * The tokens of {@code text} (UTF-8, BOS first) in consecutive windows of {@code length}, at most {@code max} of
     * them; a text shorter than one window is refused naming it and the {@code lengthOption}.
     */
    static int[][] of(Path text, Tokenizer t, int length, int max, String lengthOption) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(text))).toString();
        } catch (CharacterCodingException e) {
            throw BadInputException.in(text, "not UTF-8 text");
        } catch (IOException e) {
            throw BadInputException.in(text, "cannot read: " + FileKinds.reason(e));
        }
        int[] all = t.encode(s, true);
        int count = Math.min(max, all.length / length);
        if (count == 0) {
            throw BadInputException.in(text, all.length + " tokens, fewer than one window of " + lengthOption + " " + length);
        }
        int[][] out = new int[count][];
        for (int i = 0; i < count; i++) {
            out[i] = Arrays.copyOfRange(all, i * length, (i + 1) * length);
        }
        return out;
    }

    /** Whether {@code file} starts with GGUF's magic. */
    static boolean isGguf(Path file) {
        if (FileKinds.describe(file) != null) {
            return false; // not a regular file: opening a FIFO would block; the reader that opens it refuses it
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), "GGUF".getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return false; // the reader that opens it names the problem
        }
    }
}
