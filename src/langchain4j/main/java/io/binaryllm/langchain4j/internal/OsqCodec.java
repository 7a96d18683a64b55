package io.binaryllm.langchain4j.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Ranking;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.quantize.OsqScores;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * osq codes (bit planes and four corrections a row) ranked by their asymmetric score against a 4-bit query, on the
 * engine's backend; key = {@link OsqScores#key} of the score, so ascending keys are descending scores.
 */
public final class OsqCodec implements StoreCodec<OsqCodes> {
    /** Query bits a dimension: 4 keeps the estimate within a few thousandths of 8 at half the query's cost. */
    private static final int QUERY_BITS = 4;
    private final BinaryEngine engine;
    private final OsqQuantizer quantizer;
    private final int planeWords;

    public OsqCodec(BinaryEngine engine, OsqQuantizer quantizer) {
        this.engine = engine;
        this.quantizer = quantizer;
        this.planeWords = OsqCodes.planeWords(quantizer.dims());
    }

    public OsqQuantizer quantizer() {
        return quantizer;
    }

    @Override
    public int rowWords() {
        return planeWords * quantizer.bitsPerDim();
    }

    @Override
    public int rowFloats() {
        return OsqScores.CORRECTIONS;
    }

    @Override
    public Encoded encode(float[][] rows) {
        try (FloatEmbeddingBatch batch = FloatEmbeddingBatch.of(rows); OsqCodes c = quantizer.encodeDocuments(batch)) {
            return new Encoded(c.planes().segment().toArray(ValueLayout.JAVA_LONG), c.corrections());
        }
    }

    @Override
    public OsqCodes query(float[] vector) {
        try (FloatEmbeddingBatch batch = FloatEmbeddingBatch.of(new float[][]{vector})) {
            return quantizer.encodeQueries(batch, QUERY_BITS);
        }
    }

    @Override
    public Part<OsqCodes> part(MemorySegment words, float[] floats, int rows, boolean often) {
        int w = rowWords();
        BinaryCodeBatch planes = BinaryCodeBatch.wrap(words.asSlice(0, (long) rows * w * Long.BYTES),
                rows, w * Long.SIZE, "store", null);
        float[] corrections = floats.length == rows * OsqScores.CORRECTIONS ? floats
                : Arrays.copyOf(floats, rows * OsqScores.CORRECTIONS);
        OsqCodes codes = new OsqCodes(planes, corrections, quantizer.dims(), quantizer.bitsPerDim(), false, quantizer.centroidId());
        return Part.searching(engine, codes, often);
    }

    @Override
    public OsqCodes join(List<OsqCodes> queries) {
        OsqCodes first = queries.getFirst();
        int w = first.planes().words();
        long[] planes = new long[queries.size() * w];
        float[] corrections = new float[queries.size() * OsqScores.CORRECTIONS];
        for (int q = 0; q < queries.size(); q++) {
            MemorySegment.copy(queries.get(q).planes().segment(), BinaryCodeBatch.U64, 0, planes, q * w, w);
            System.arraycopy(queries.get(q).corrections(), 0, corrections, q * OsqScores.CORRECTIONS, OsqScores.CORRECTIONS);
        }
        return new OsqCodes(BinaryCodeBatch.ofWords(planes, queries.size(), first.planes().bits()), corrections, first.dims(),
                first.bitsPerDim(), true, first.centroidId());
    }

    @Override
    public void release(OsqCodes query) {
        query.close();
    }

    @Override
    public double cosine(int key) {
        return Ranking.scoreOf(key); // osq scores unit-length vectors: its estimate of q.d is the cosine's
    }
}
