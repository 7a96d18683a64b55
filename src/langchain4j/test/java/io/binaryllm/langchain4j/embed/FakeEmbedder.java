package io.binaryllm.langchain4j.embed;

import io.binaryllm.internal.io.Sha256;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A deterministic stand-in model (vector = bytes of the text's SHA-256), which records every batch it is given. */
final class FakeEmbedder implements TextEmbedder {
    final List<List<String>> batches = new ArrayList<>();
    private final boolean unit;

    FakeEmbedder() {
        this(false);
    }

    private FakeEmbedder(boolean unit) {
        this.unit = unit;
    }

    /** A model that promises (and gives) vectors of L2 norm 1, like MiniLM. */
    static FakeEmbedder normalising() {
        return new FakeEmbedder(true);
    }

    @Override
    public boolean unitNorm() {
        return unit;
    }

    static float[] unitVectorOf(String text) {
        float[] v = vectorOf(text);
        double norm = 0;
        for (float f : v) {
            norm += (double) f * f;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return v;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int dimensions() {
        return 8;
    }

    static float[] vectorOf(String text) {
        byte[] h = Sha256.hex(text.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        float[] v = new float[8];
        for (int i = 0; i < 8; i++) {
            v[i] = h[i] - 'a' + 0.5f;
        }
        return v;
    }

    @Override
    public float[][] embed(List<String> texts) {
        batches.add(List.copyOf(texts));
        return texts.stream().map(unit ? FakeEmbedder::unitVectorOf : FakeEmbedder::vectorOf).toArray(float[][]::new);
    }
}
