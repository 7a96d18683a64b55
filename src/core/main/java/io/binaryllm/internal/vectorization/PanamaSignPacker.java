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
 * Sign packing with the Vector API: one compare turns 8 floats into 8 bits ({@link VectorMask#toLong()}), eight of
 * them make a word. Scales use eight double lanes, which is exactly the order {@link SignPacker#meanAbs} fixes, as
 * two 256-bit vectors. Only 256-bit shapes: every x86-64 CPU with AVX2 runs them in hardware, where 512-bit ones on a
 * CPU without AVX-512 fall back to slow Java. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class PanamaSignPacker implements SignPacker {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
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
                for (int part = 0; part < 8; part++) {
                    int j = w * 64 + part * 8;
                    if (j >= d) {
                        break;
                    }
                    FloatVector v;
                    if (j + 8 <= d) {
                        v = FloatVector.fromMemorySegment(F8, src, rowOffset + (long) j * Float.BYTES, LE);
                        finite &= v.test(VectorOperators.IS_FINITE).allTrue();
                    } else { // the row's last partial block: lanes past d load as 0, which is neither a sign nor a fault
                        VectorMask<Float> inRange = F8.indexInRange(j, d);
                        v = FloatVector.fromMemorySegment(F8, src, rowOffset + (long) j * Float.BYTES, LE, inRange);
                        finite &= !v.test(VectorOperators.IS_FINITE).not().and(inRange).anyTrue();
                    }
                    word |= (v.compare(VectorOperators.GT, 0f).toLong() & 0xFFL) << (part * 8);
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
            DoubleVector lo = DoubleVector.zero(D4);
            DoubleVector hi = DoubleVector.zero(D4);
            for (int j = 0; j < d; j += 8) {
                // Lanes past d load as 0.0f, and s + 0.0 = s for the non-negative partial sums.
                lo = lo.add(wideAbs(src, rowOffset, j, d));
                hi = hi.add(wideAbs(src, rowOffset, j + 4, d));
            }
            double[] p = new double[8];
            lo.intoArray(p, 0);
            hi.intoArray(p, 4);
            out[r] = (((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))) / d;
        }
        return out;
    }

    /** |x| of the four floats from column j of a row, widened to doubles; columns past d read as 0. */
    private static DoubleVector wideAbs(MemorySegment src, long rowOffset, int j, int d) {
        long at = rowOffset + (long) j * Float.BYTES;
        FloatVector f = j + 4 <= d ? FloatVector.fromMemorySegment(F4, src, at, LE)
                : FloatVector.fromMemorySegment(F4, src, at, LE, F4.indexInRange(j, d));
        return ((DoubleVector) f.convertShape(VectorOperators.F2D, D4, 0)).abs();
    }
}
