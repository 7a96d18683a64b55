package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DotProduct} in eight double lanes: lane l accumulates j = l, l + 8, ... in order, which is the
 * specification's s[l]. Whole vectors of eight run in the lanes; the tail past the last one is added lane by lane
 * ({@link #finish}), so no lane ever reads past d.
 */
final class PanamaDotProduct implements DotProduct {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;

    @Override
    public double dot(float[] a, int aOffset, float[] b, int bOffset, int d) {
        DoubleVector s = DoubleVector.zero(D8);
        int j = 0;
        for (; j + 8 <= d; j += 8) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(F8, a, aOffset + j).convertShape(VectorOperators.F2D, D8, 0);
            DoubleVector y = (DoubleVector) FloatVector.fromArray(F8, b, bOffset + j).convertShape(VectorOperators.F2D, D8, 0);
            s = x.lanewise(VectorOperators.FMA, y, s); // the product is exact in double: fma = multiply then add
        }
        return finish(s.toArray(), a, aOffset, b, bOffset, j, d);
    }

    @Override
    public void dot4(float[] a, int aOffset, float[] b, int o0, int o1, int o2, int o3, int d, double[] out) {
        DoubleVector s0 = DoubleVector.zero(D8);
        DoubleVector s1 = DoubleVector.zero(D8);
        DoubleVector s2 = DoubleVector.zero(D8);
        DoubleVector s3 = DoubleVector.zero(D8);
        int j = 0;
        for (; j + 8 <= d; j += 8) {
            DoubleVector x = (DoubleVector) FloatVector.fromArray(F8, a, aOffset + j).convertShape(VectorOperators.F2D, D8, 0);
            s0 = x.lanewise(VectorOperators.FMA, (DoubleVector) FloatVector.fromArray(F8, b, o0 + j).convertShape(VectorOperators.F2D, D8, 0), s0);
            s1 = x.lanewise(VectorOperators.FMA, (DoubleVector) FloatVector.fromArray(F8, b, o1 + j).convertShape(VectorOperators.F2D, D8, 0), s1);
            s2 = x.lanewise(VectorOperators.FMA, (DoubleVector) FloatVector.fromArray(F8, b, o2 + j).convertShape(VectorOperators.F2D, D8, 0), s2);
            s3 = x.lanewise(VectorOperators.FMA, (DoubleVector) FloatVector.fromArray(F8, b, o3 + j).convertShape(VectorOperators.F2D, D8, 0), s3);
        }
        // Lanes leave as arrays: a vector passed to a method C2 does not inline would be boxed on the heap.
        out[0] = finish(s0.toArray(), a, aOffset, b, o0, j, d);
        out[1] = finish(s1.toArray(), a, aOffset, b, o1, j, d);
        out[2] = finish(s2.toArray(), a, aOffset, b, o2, j, d);
        out[3] = finish(s3.toArray(), a, aOffset, b, o3, j, d);
    }

    /** The tail past the last whole vector (lane l takes j = tail + l) and the fixed pairwise combination. */
    private static double finish(double[] p, float[] a, int aOffset, float[] b, int bOffset, int j, int d) {
        for (int l = 0; j < d; j++, l++) {
            p[l] += (double) a[aOffset + j] * b[bOffset + j];
        }
        return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    }
}
