package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DotProduct} in eight double lanes: lane l accumulates j = l, l + 8, ... in order, which is the
 * specification's s[l]. The eight lanes are two 256-bit vectors (lanes 0-3 and 4-7), each filled from four floats
 * widened lane for lane: every x86-64 CPU with AVX2 runs those in hardware, where a 512-bit vector on a CPU without
 * AVX-512 (or a conversion that splits a vector into parts) falls back to slow Java. Whole blocks of eight run
 * in the lanes; the tail past the last one is added lane by lane ({@link #finish}), so no lane ever reads past d.
 */
final class PanamaDotProduct implements DotProduct {
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

    @Override
    public double dot(float[] a, int aOffset, float[] b, int bOffset, int d) {
        DoubleVector lo = DoubleVector.zero(D4);
        DoubleVector hi = DoubleVector.zero(D4);
        int j = 0;
        for (; j + 8 <= d; j += 8) {
            // The product of two floats is exact in double: fma = multiply then add.
            lo = wide(a, aOffset + j).lanewise(VectorOperators.FMA, wide(b, bOffset + j), lo);
            hi = wide(a, aOffset + j + 4).lanewise(VectorOperators.FMA, wide(b, bOffset + j + 4), hi);
        }
        return finish(lanes(lo, hi), a, aOffset, b, bOffset, j, d);
    }

    @Override
    public void dot4(float[] a, int aOffset, float[] b, int o0, int o1, int o2, int o3, int d, double[] out) {
        DoubleVector l0 = DoubleVector.zero(D4);
        DoubleVector h0 = DoubleVector.zero(D4);
        DoubleVector l1 = DoubleVector.zero(D4);
        DoubleVector h1 = DoubleVector.zero(D4);
        DoubleVector l2 = DoubleVector.zero(D4);
        DoubleVector h2 = DoubleVector.zero(D4);
        DoubleVector l3 = DoubleVector.zero(D4);
        DoubleVector h3 = DoubleVector.zero(D4);
        int j = 0;
        for (; j + 8 <= d; j += 8) {
            DoubleVector xl = wide(a, aOffset + j);
            DoubleVector xh = wide(a, aOffset + j + 4);
            l0 = xl.lanewise(VectorOperators.FMA, wide(b, o0 + j), l0);
            h0 = xh.lanewise(VectorOperators.FMA, wide(b, o0 + j + 4), h0);
            l1 = xl.lanewise(VectorOperators.FMA, wide(b, o1 + j), l1);
            h1 = xh.lanewise(VectorOperators.FMA, wide(b, o1 + j + 4), h1);
            l2 = xl.lanewise(VectorOperators.FMA, wide(b, o2 + j), l2);
            h2 = xh.lanewise(VectorOperators.FMA, wide(b, o2 + j + 4), h2);
            l3 = xl.lanewise(VectorOperators.FMA, wide(b, o3 + j), l3);
            h3 = xh.lanewise(VectorOperators.FMA, wide(b, o3 + j + 4), h3);
        }
        // Lanes leave as arrays: a vector passed to a method C2 does not inline would be boxed on the heap.
        out[0] = finish(lanes(l0, h0), a, aOffset, b, o0, j, d);
        out[1] = finish(lanes(l1, h1), a, aOffset, b, o1, j, d);
        out[2] = finish(lanes(l2, h2), a, aOffset, b, o2, j, d);
        out[3] = finish(lanes(l3, h3), a, aOffset, b, o3, j, d);
    }

    /** Four floats from {@code at}, widened to four doubles. */
    private static DoubleVector wide(float[] v, int at) {
        return (DoubleVector) FloatVector.fromArray(F4, v, at).convertShape(VectorOperators.F2D, D4, 0);
    }

    private static double[] lanes(DoubleVector lo, DoubleVector hi) {
        double[] p = new double[8];
        lo.intoArray(p, 0);
        hi.intoArray(p, 4);
        return p;
    }

    /** The tail past the last whole block (lane l takes j = tail + l) and the fixed pairwise combination. */
    private static double finish(double[] p, float[] a, int aOffset, float[] b, int bOffset, int j, int d) {
        for (int l = 0; j < d; j++, l++) {
            p[l] += (double) a[aOffset + j] * b[bOffset + j];
        }
        return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    }
}
