package io.binaryllm.metric;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DotProduct} in eight double lanes: lane l accumulates j = l, l + 8, ... in order, which is the
 * specification's s[l]. Lanes past d are loaded as zero, and s + 0.0 * x = s for the finite inputs accepted here.
 */
final class VectorDotProduct implements DotProduct {
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
        double[] p = s.toArray();
        for (int l = 0; j < d; j++, l++) {
            p[l] += (double) a[aOffset + j] * b[bOffset + j];
        }
        return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    }
}
