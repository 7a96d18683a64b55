package io.binaryllm.internal.vectorization;

import io.binaryllm.quantize.OsqScores;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The osq loop with the Vector API: one {@link LongVector} holds word w of plane i of a block's codes, so each
 * (document plane, query plane) count is vertical AND, BIT_COUNT and ADD, shifted by the planes' weight once per
 * pair of planes. The float part runs per lane in the specified order ({@link OsqScores#score}). Accumulators are
 * always the argument of {@code add}, never its receiver, for the reason {@link PanamaHammingKernel} gives.
 * This class is loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaOsqKernel implements OsqKernel {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public String describe() {
        return "Vector API, " + SPECIES.vectorBitSize() + "-bit (" + LANES + " codes a register)";
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void topK(BlockedTile tile, OsqBatch batch, int q0, int q1, FlatTopK heaps) {
        long[] data = tile.data();
        long[] queries = batch.queries();
        float[] dc = batch.docCorrections();
        float[] qcs = batch.queryCorrections();
        int planeWords = batch.planeWords();
        int docBits = batch.docBits();
        int queryBits = batch.queryBits();
        int queryWords = queryBits * planeWords;
        int words = tile.words();
        long[] dots = new long[LANES];
        for (int b = 0; b < tile.blocks(); b++) {
            int base = b * words * LANES;
            long first = tile.first() + (long) b * LANES;
            int valid = Math.min(LANES, tile.codes() - b * LANES);
            for (int q = q0; q < q1; q++) {
                int qo = q * queryWords;
                LongVector acc = LongVector.zero(SPECIES);
                for (int i = 0; i < docBits; i++) {
                    int plane = base + i * planeWords * LANES;
                    for (int j = 0; j < queryBits; j++) {
                        int qp = qo + j * planeWords;
                        LongVector count = LongVector.zero(SPECIES);
                        for (int w = 0; w < planeWords; w++) {
                            count = LongVector.fromArray(SPECIES, data, plane + w * LANES).and(queries[qp + w])
                                    .lanewise(VectorOperators.BIT_COUNT).add(count);
                        }
                        acc = count.lanewise(VectorOperators.LSHL, i + j).add(acc);
                    }
                }
                acc.intoArray(dots, 0);
                int qc = q * OsqScores.CORRECTIONS;
                for (int l = 0; l < valid; l++) {
                    long index = first + l;
                    float score = OsqScores.score(dots[l], dc, (int) index * OsqScores.CORRECTIONS, qcs, qc);
                    heaps.offer(q, OsqScores.key(score), index);
                }
            }
        }
    }
}
