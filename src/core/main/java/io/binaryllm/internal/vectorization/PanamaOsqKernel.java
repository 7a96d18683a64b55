package io.binaryllm.internal.vectorization;

import io.binaryllm.quantize.OsqScores;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The osq loop with the Vector API: one {@link LongVector} holds word w of plane i of a block's codes, so each
 * (document plane, query plane) count is vertical AND, BIT_COUNT and ADD, shifted by the planes' weight once per
 * pair of planes. The float part runs on a block's lanes at once, each lane the specified order of
 * {@link OsqScores#score} (vector multiply and add round lane by lane, exactly as scalar ones; nothing is fused), and
 * only lanes whose key beats the query's bound reach the heap. Accumulators are
 * always the argument of {@code add}, never its receiver, for the reason {@link PanamaHammingKernel} gives.
 * This class is loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaOsqKernel implements OsqKernel {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** As many float and int lanes as there are codes in a block. */
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, VectorShape.forBitSize(LANES * Float.SIZE));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(LANES * Integer.SIZE));

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
        int[] keys = new int[LANES];
        int firstBlock = Math.toIntExact(tile.first() / LANES);
        for (int b = 0; b < tile.blocks(); b++) {
            int base = b * words * LANES;
            long first = tile.first() + (long) b * LANES;
            int cb = (firstBlock + b) * OsqScores.CORRECTIONS * LANES;
            FloatVector ax = FloatVector.fromArray(FLOATS, dc, cb);
            FloatVector lx = FloatVector.fromArray(FLOATS, dc, cb + LANES);
            FloatVector x1 = FloatVector.fromArray(FLOATS, dc, cb + 2 * LANES);
            FloatVector dadd = FloatVector.fromArray(FLOATS, dc, cb + 3 * LANES);
            VectorMask<Integer> valid = INTS.indexInRange(0, tile.codes() - b * LANES);
            for (int q = q0; q < q1; q++) {
                int qo = q * queryWords;
                LongVector acc = queryBits == 4 ? dot4(data, base, queries, qo, planeWords, docBits)
                        : dot(data, base, queries, qo, planeWords, docBits, queryBits);
                // OsqScores.score's eight steps lane by lane: each a separate, correctly rounded float operation.
                int qc = q * OsqScores.CORRECTIONS;
                FloatVector dot = (FloatVector) acc.convertShape(VectorOperators.L2F, FLOATS, 0);
                FloatVector u = FloatVector.broadcast(FLOATS, qcs[qc]).mul(x1);
                FloatVector v = FloatVector.broadcast(FLOATS, qcs[qc + 1]).mul(dot);
                FloatVector s = lx.mul(u.add(v));
                s = s.add(ax.mul(qcs[qc + 2]));
                s = s.add(qcs[qc + 3]);
                s = s.add(dadd);
                IntVector bits = s.reinterpretAsInts();
                IntVector key = bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7fffffff)
                        .lanewise(VectorOperators.XOR, bits).lanewise(VectorOperators.NOT);
                VectorMask<Integer> enter = key.compare(VectorOperators.LT, heaps.worst(q)).and(valid);
                if (enter.anyTrue()) {
                    key.intoArray(keys, 0);
                    for (int l = enter.firstTrue(); l < LANES; l++) {
                        if (enter.laneIsSet(l)) {
                            heaps.offer(q, keys[l], first + l);
                        }
                    }
                }
            }
        }
    }

    /**
     * 4-bit queries, the common case: each document word is loaded once and ANDed with the four query planes' words
     * into four counts (named locals: C2 keeps them in registers), weighted by their planes once at the end.
     */
    private static LongVector dot4(long[] data, int base, long[] queries, int qo, int planeWords, int docBits) {
        LongVector acc = LongVector.zero(SPECIES);
        for (int i = 0; i < docBits; i++) {
            int plane = base + i * planeWords * LANES;
            LongVector c0 = LongVector.zero(SPECIES);
            LongVector c1 = LongVector.zero(SPECIES);
            LongVector c2 = LongVector.zero(SPECIES);
            LongVector c3 = LongVector.zero(SPECIES);
            for (int w = 0; w < planeWords; w++) {
                LongVector d = LongVector.fromArray(SPECIES, data, plane + w * LANES);
                c0 = d.and(queries[qo + w]).lanewise(VectorOperators.BIT_COUNT).add(c0);
                c1 = d.and(queries[qo + planeWords + w]).lanewise(VectorOperators.BIT_COUNT).add(c1);
                c2 = d.and(queries[qo + 2 * planeWords + w]).lanewise(VectorOperators.BIT_COUNT).add(c2);
                c3 = d.and(queries[qo + 3 * planeWords + w]).lanewise(VectorOperators.BIT_COUNT).add(c3);
            }
            acc = c0.lanewise(VectorOperators.LSHL, i).add(acc);
            acc = c1.lanewise(VectorOperators.LSHL, i + 1).add(acc);
            acc = c2.lanewise(VectorOperators.LSHL, i + 2).add(acc);
            acc = c3.lanewise(VectorOperators.LSHL, i + 3).add(acc);
        }
        return acc;
    }

    /** Any query width: one count per (document plane, query plane). */
    private static LongVector dot(long[] data, int base, long[] queries, int qo, int planeWords, int docBits, int queryBits) {
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
        return acc;
    }
}
