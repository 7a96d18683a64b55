package io.binaryllm.internal.vectorization;

import io.binaryllm.quantize.OsqScores;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The osq loop with the Vector API: one {@link LongVector} holds word w of plane i of a block's codes, so each
 * (document plane, query plane) count is vertical AND, BIT_COUNT and ADD, shifted by the planes' weight once per
 * pair of planes. The float part runs on a block's lanes at once, each lane the specified order of
 * {@link OsqScores#score} (vector multiply and add round lane by lane, exactly as scalar ones; nothing is fused), and
 * only lanes whose key beats the query's bound reach the heap. Accumulators are
 * always the argument of {@code add}, never its receiver, for the reason {@link PanamaHammingKernel} gives.
 * This class is loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaOsqKernel extends PanamaTileKernel implements OsqKernel {
    /** As many float and int lanes as there are codes in a block. */
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, VectorShape.forBitSize(LANES * Float.SIZE));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(LANES * Integer.SIZE));

    @Override
    public void topK(BlockedTile tile, OsqBatch batch, int q0, int q1, FlatTopK heaps) {
        long[] data = tile.data();
        float[] dc = batch.docCorrections();
        float[] qcs = batch.queryCorrections();
        int planeWords = batch.planeWords();
        int docBits = batch.docBits();
        int queryBits = batch.queryBits();
        int queryWords = queryBits * planeWords;
        int words = tile.words();
        int blocks = tile.blocks();
        int[] keys = new int[LANES];
        // The query's words, each repeated across the lanes: loaded as vectors (an AND's memory operand), not broadcast
        // from a scalar register once per block.
        long[] spread = new long[queryWords * LANES];
        float[] cbs = blockedCorrections(tile, dc);
        for (int q = q0; q < q1; q++) {
            for (int w = 0; w < queryWords; w++) {
                Arrays.fill(spread, w * LANES, (w + 1) * LANES, batch.queries()[q * queryWords + w]);
            }
            int qc = q * OsqScores.CORRECTIONS;
            FloatVector ay = FloatVector.broadcast(FLOATS, qcs[qc]);
            FloatVector ly = FloatVector.broadcast(FLOATS, qcs[qc + 1]);
            float q1Value = qcs[qc + 2];
            float q0Value = qcs[qc + 3];
            int bound = heaps.worst(q);
            for (int b = 0; b < blocks; b++) {
                int base = b * words * LANES;
                // The integer part. Both branches stay in this method: a vector returned from, or passed to, a method
                // C2 does not inline is boxed, and the loop runs several times slower.
                LongVector acc = LongVector.zero(SPECIES);
                if (queryBits == 4) {
                    // The common width: each document word is loaded once into four counts, weighted once per plane.
                    for (int i = 0; i < docBits; i++) {
                        int plane = base + i * planeWords * LANES;
                        LongVector c0 = LongVector.zero(SPECIES);
                        LongVector c1 = LongVector.zero(SPECIES);
                        LongVector c2 = LongVector.zero(SPECIES);
                        LongVector c3 = LongVector.zero(SPECIES);
                        for (int w = 0; w < planeWords; w++) {
                            LongVector d = LongVector.fromArray(SPECIES, data, plane + w * LANES);
                            c0 = d.and(LongVector.fromArray(SPECIES, spread, w * LANES)).lanewise(VectorOperators.BIT_COUNT).add(c0);
                            c1 = d.and(LongVector.fromArray(SPECIES, spread, (planeWords + w) * LANES)).lanewise(VectorOperators.BIT_COUNT).add(c1);
                            c2 = d.and(LongVector.fromArray(SPECIES, spread, (2 * planeWords + w) * LANES)).lanewise(VectorOperators.BIT_COUNT).add(c2);
                            c3 = d.and(LongVector.fromArray(SPECIES, spread, (3 * planeWords + w) * LANES)).lanewise(VectorOperators.BIT_COUNT).add(c3);
                        }
                        acc = c0.lanewise(VectorOperators.LSHL, i).add(acc);
                        acc = c1.lanewise(VectorOperators.LSHL, i + 1).add(acc);
                        acc = c2.lanewise(VectorOperators.LSHL, i + 2).add(acc);
                        acc = c3.lanewise(VectorOperators.LSHL, i + 3).add(acc);
                    }
                } else {
                    for (int i = 0; i < docBits; i++) {
                        int plane = base + i * planeWords * LANES;
                        for (int j = 0; j < queryBits; j++) {
                            int qp = j * planeWords * LANES;
                            LongVector count = LongVector.zero(SPECIES);
                            for (int w = 0; w < planeWords; w++) {
                                count = LongVector.fromArray(SPECIES, data, plane + w * LANES)
                                        .and(LongVector.fromArray(SPECIES, spread, qp + w * LANES))
                                        .lanewise(VectorOperators.BIT_COUNT).add(count);
                            }
                            acc = count.lanewise(VectorOperators.LSHL, i + j).add(acc);
                        }
                    }
                }
                // OsqScores.score's eight steps lane by lane: each a separate, correctly rounded float operation.
                int cb = b * OsqScores.CORRECTIONS * LANES;
                FloatVector dot = (FloatVector) acc.convertShape(VectorOperators.L2F, FLOATS, 0);
                FloatVector u = ay.mul(FloatVector.fromArray(FLOATS, cbs, cb + 2 * LANES));
                FloatVector v = ly.mul(dot);
                FloatVector s = FloatVector.fromArray(FLOATS, cbs, cb + LANES).mul(u.add(v));
                s = s.add(FloatVector.fromArray(FLOATS, cbs, cb).mul(q1Value));
                s = s.add(q0Value);
                s = s.add(FloatVector.fromArray(FLOATS, cbs, cb + 3 * LANES));
                IntVector bits = s.reinterpretAsInts();
                IntVector key = bits.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.AND, 0x7fffffff)
                        .lanewise(VectorOperators.XOR, bits).lanewise(VectorOperators.NOT);
                VectorMask<Integer> enter = key.compare(VectorOperators.LT, bound);
                if (enter.anyTrue()) {
                    enter = enter.and(INTS.indexInRange(0, tile.codes() - b * LANES));
                    key.intoArray(keys, 0);
                    long first = tile.first() + (long) b * LANES;
                    for (int l = 0; l < LANES; l++) {
                        if (enter.laneIsSet(l)) {
                            heaps.offer(q, keys[l], first + l);
                        }
                    }
                    bound = heaps.worst(q);
                }
            }
        }
    }

    /**
     * The tile's rows' corrections re-laid as {@code [block][4][lanes]} (zeros in padding lanes), so one vector load
     * gives a correction of a whole block: O(tile) once a call, which then serves every query of the call.
     */
    private static float[] blockedCorrections(BlockedTile tile, float[] rowMajor) {
        float[] out = new float[tile.blocks() * OsqScores.CORRECTIONS * LANES];
        int first = Math.toIntExact(tile.first() * OsqScores.CORRECTIONS);
        for (int c = 0; c < tile.codes(); c++) {
            int at = c / LANES * OsqScores.CORRECTIONS * LANES + c % LANES;
            for (int k = 0; k < OsqScores.CORRECTIONS; k++) {
                out[at + k * LANES] = rowMajor[first + c * OsqScores.CORRECTIONS + k];
            }
        }
        return out;
    }
}
