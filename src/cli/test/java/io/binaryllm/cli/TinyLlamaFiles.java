package io.binaryllm.cli;

import io.binaryllm.kvcache.Llama2c;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** A small seeded Llama (llama2.c's file) and a tokenizer of a few English pieces, for the decoder commands' tests. */
final class TinyLlamaFiles {
    /** The tokenizer's vocabulary: llama2.c's three specials, the 256 byte tokens, then eleven pieces. */
    static final List<String> VOCAB = vocab();

    private TinyLlamaFiles() {
    }

    /** dir/tiny-VOCAB.bin: 2 layers of 32 (4 heads, 2 key/value heads), SwiGLU 48, context 32, seeded weights. */
    static Path model(Path dir, int vocab) {
        LlamaConfig c = new LlamaConfig(32, 48, 2, 4, 2, vocab, 32, true);
        SplittableRandom r = new SplittableRandom(5);
        float[] embedding = fill(r, c.vocab() * c.dim(), 1.0);
        int d = c.dim();
        int kv = c.kvDim();
        int h = c.hiddenDim();
        int l = c.layers();
        double s = 1 / Math.sqrt(d);
        LlamaModel m = LlamaModel.of(c, new LlamaModel.Weights(embedding, ones(l * d), fill(r, l * d * d, 3 * s), fill(r, l * kv * d, 3 * s),
                fill(r, l * kv * d, s), fill(r, l * d * d, s), ones(l * d), fill(r, l * h * d, s), fill(r, l * d * h, 1 / Math.sqrt(h)),
                fill(r, l * h * d, s), ones(d), embedding));
        Path f = dir.resolve("tiny-" + vocab + ".bin");
        Llama2c.write(f, false, m);
        return f;
    }

    /** dir/tokenizer.bin in llama2.c's format: {@link #VOCAB}, scores -i, the longest piece 8 bytes. */
    static Path tokenizer(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(8).array());
        for (int i = 0; i < VOCAB.size(); i++) {
            byte[] s = VOCAB.get(i).getBytes(StandardCharsets.UTF_8);
            bytes.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(-i).putInt(s.length).array());
            bytes.write(s);
        }
        return Files.write(dir.resolve("tokenizer.bin"), bytes.toByteArray());
    }

    private static List<String> vocab() {
        List<String> vocab = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            vocab.add(String.format("<0x%02X>", b));
        }
        vocab.addAll(List.of(" ", "e", "t", "a", " t", "he", " the", "n", "d", " a", "nd"));
        return List.copyOf(vocab);
    }

    private static float[] fill(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale * 1.7);
        }
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
