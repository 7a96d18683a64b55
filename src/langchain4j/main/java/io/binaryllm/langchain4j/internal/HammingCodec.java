package io.binaryllm.langchain4j.internal;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Binarizer codes ranked by Hamming distance on the engine's backend (key = distance). */
public final class HammingCodec implements StoreCodec<BinaryCodeBatch> {
    private final BinaryEngine engine;
    private final Binarizer binarizer;
    private final int bits;
    private final int words;

    public HammingCodec(BinaryEngine engine, Binarizer binarizer, int dims) {
        this.engine = engine;
        this.binarizer = binarizer;
        this.bits = binarizer.bits(dims);
        this.words = BinaryCodeBatch.wordsFor(bits);
    }

    @Override
    public int rowWords() {
        return words;
    }

    @Override
    public int rowFloats() {
        return 0;
    }

    @Override
    public Encoded encode(float[][] rows) {
        try (FloatEmbeddingBatch batch = FloatEmbeddingBatch.of(rows); Binarized b = engine.encode(binarizer, batch)) {
            return new Encoded(b.codes().segment().toArray(ValueLayout.JAVA_LONG), new float[0]);
        }
    }

    @Override
    public BinaryCodeBatch query(float[] vector) {
        return BinaryCodeBatch.ofWords(encode(new float[][]{vector}).words(), 1, bits);
    }

    @Override
    public Part<BinaryCodeBatch> part(MemorySegment codes, float[] floats, int rows, boolean often) {
        BinaryCodeBatch batch = BinaryCodeBatch.wrap(codes.asSlice(0, (long) rows * words * Long.BYTES),
                rows, bits, "store", null);
        return Part.searching(engine, batch, often);
    }

    @Override
    public BinaryCodeBatch join(List<BinaryCodeBatch> queries) {
        long[] words = new long[queries.size() * this.words];
        for (int q = 0; q < queries.size(); q++) {
            MemorySegment.copy(queries.get(q).segment(), BinaryCodeBatch.U64, 0, words, q * this.words, this.words);
        }
        return BinaryCodeBatch.ofWords(words, queries.size(), bits);
    }

    @Override
    public void release(BinaryCodeBatch query) {
        query.close();
    }

    @Override
    public double cosine(int key) {
        return Math.cos(Math.PI * key / bits); // the angle a Hamming distance estimates (exact in expectation for hyperplanes)
    }
}
