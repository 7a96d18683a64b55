package io.binaryllm.internal.vectorization;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Sign packing with the Vector API: one compare turns 16 floats into 16 bits ({@link VectorMask#toLong()}), four of
 * them make a word. Scales use eight double lanes, which is exactly the order {@link SignPacker#meanAbs} fixes.
 * Loaded only when {@code jdk.incubator.vector} is present.
 */
final class PanamaSignPacker implements SignPacker {
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public void packSigns(FloatEmbeddingBatch in, BinaryCodeBatch out) {
        MemorySegment src = in.segment();
        int d = in.dims();
        int words = out.words();
        for (long r = 0; r < in.rows(); r++) {
            long rowOffset = r * d * Float.BYTES;
            boolean finite = true;
            for (int w = 0; w < words; w++) {
                long word = 0;
                for (int part = 0; part < 4; part++) {
                    int j = w * 64 + part * 16;
                    if (j >= d) {
                        break;
                    }
                    VectorMask<Float> inRange = F16.indexInRange(j, d);
                    FloatVector v = FloatVector.fromMemorySegment(F16, src, rowOffset + (long) j * Float.BYTES, LE, inRange);
                    finite &= !v.test(VectorOperators.IS_FINITE).not().and(inRange).anyTrue();
                    word |= (v.compare(VectorOperators.GT, 0f).toLong() & 0xFFFFL) << (part * 16);
                }
                out.setWord(r, w, word);
            }
            if (!finite) {
                in.requireFinite(); // throws, naming the first bad row and column
            }
        }
    }

    @Override
    public double[] meanAbs(FloatEmbeddingBatch in) {
        MemorySegment src = in.segment();
        int d = in.dims();
        double[] out = new double[Math.toIntExact(in.rows())];
        for (int r = 0; r < out.length; r++) {
            long rowOffset = (long) r * d * Float.BYTES;
            DoubleVector s = DoubleVector.zero(D8);
            for (int j = 0; j < d; j += 8) {
                // Lanes past d load as 0.0f, and s + 0.0 = s for the non-negative partial sums.
                FloatVector f = FloatVector.fromMemorySegment(F8, src, rowOffset + (long) j * Float.BYTES, LE, F8.indexInRange(j, d));
                s = s.add(((DoubleVector) f.convertShape(VectorOperators.F2D, D8, 0)).abs());
            }
            double[] p = s.toArray();
            out[r] = (((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))) / d;
        }
        return out;
    }
}
