package io.binaryllm.internal.vectorization;

import io.binaryllm.data.Ranking;
import io.binaryllm.quantize.OsqScores;

/** The osq loop in plain Java, one code at a time: the specification the other kernels follow. */
final class ScalarOsqKernel implements OsqKernel {
    private static final int LANES = 8;

    @Override
    public String describe() {
        return "scalar Java";
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void topK(BlockedTile tile, OsqBatch batch, int q0, int q1, FlatTopK heaps) {
        int words = tile.words();
        int planeWords = batch.planeWords();
        int queryWords = batch.queryBits() * planeWords;
        long[] data = tile.data();
        long[] doc = new long[words];
        for (int c = 0; c < tile.codes(); c++) {
            int base = c / LANES * words * LANES + c % LANES;
            for (int w = 0; w < words; w++) {
                doc[w] = data[base + w * LANES];
            }
            long index = tile.first() + c;
            int d = Math.toIntExact(index * OsqScores.CORRECTIONS);
            for (int q = q0; q < q1; q++) {
                long dot = OsqScores.dot(doc, 0, batch.docBits(), batch.queries(), q * queryWords, batch.queryBits(), planeWords);
                float score = OsqScores.score(dot, batch.docCorrections(), d, batch.queryCorrections(), q * OsqScores.CORRECTIONS);
                heaps.offer(q, Ranking.keyOf(score), index);
            }
        }
    }
}
