package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * fdlibm's {@code e_exp.c} in double lanes, step for step as the JDK's {@code FdLibm.Exp} writes it, so every lane
 * is {@link StrictMath#exp}'s bits. For |x| in [2^-28, 704) fdlibm takes one of three paths by |x|'s high word
 * (below 0.5 ln 2 no reduction; below 1.5 ln 2 k = +-1; above, k = (int) (x / ln 2 +- 0.5)); the lanes compute all of
 * them and keep their own. Where k = +-1, fdlibm's {@code hi = x - ln2HI[sign]}, {@code lo = ln2LO[sign]} are the
 * general path's {@code x - k * ln2HI}, {@code k * ln2LO} (a product by +-1 is exact), so the lanes share one
 * reduction. A vector with a lane below 2^-28 keeps {@code 1 + x} there; one with a lane at or past 704 in magnitude
 * (overflow, underflow to zero or to a subnormal, infinities, NaN) is left to {@code StrictMath}, lane by lane, as
 * is the tail past the last whole vector.
 */
final class PanamaExponentials implements Exponentials {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, D.vectorShape());
    /** k as int lanes, half the width: double-to-int conversions run in hardware on AVX2, double-to-long only on AVX-512. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    private static final double INVLN2 = 0x1.71547652b82fep0;
    private static final double LN2HI = 0x1.62e42feep-1;
    private static final double LN2LO = 0x1.a39ef35793c76p-33;
    private static final double P1 = 0x1.555555555553ep-3;
    private static final double P2 = -0x1.6c16c16bebd93p-9;
    private static final double P3 = 0x1.1566aaf25de2cp-14;
    private static final double P4 = -0x1.bbd41c5d26bf1p-20;
    private static final double P5 = 0x1.6376972bea4d0p-25;

    /** |x|'s high word from which a lane goes to StrictMath: 704, where k stays above -1022 and the result normal. */
    private static final long SCALAR_FROM = 0x40860000L;
    private static final long TINY_BELOW = 0x3e300000L;   // 2^-28: exp(x) = 1 + x
    private static final long REDUCED_ABOVE = 0x3fd62e42L; // 0.5 ln 2
    private static final long ONE_STEP_BELOW = 0x3ff0a2b2L; // 1.5 ln 2: k = +-1

    @Override
    public void exp(double[] x, int from, int to) {
        int i = from;
        for (; i + D.length() <= to; i += D.length()) {
            DoubleVector v = DoubleVector.fromArray(D, x, i);
            LongVector bits = v.reinterpretAsLongs();
            LongVector hx = bits.lanewise(VectorOperators.LSHR, 32).and(0x7fffffffL);
            if (hx.compare(VectorOperators.GE, SCALAR_FROM).anyTrue()) {
                for (int j = i; j < i + D.length(); j++) {
                    x[j] = StrictMath.exp(x[j]);
                }
                continue;
            }
            VectorMask<Double> negative = bits.compare(VectorOperators.LT, 0L).cast(D);
            VectorMask<Double> reduced = hx.compare(VectorOperators.GT, REDUCED_ABOVE).cast(D);
            VectorMask<Double> oneStep = hx.compare(VectorOperators.LT, ONE_STEP_BELOW).cast(D).and(reduced);
            VectorMask<Double> tiny = hx.compare(VectorOperators.LT, TINY_BELOW).cast(D);

            // k: (int) (invln2 * x + half[sign]) (truncated, as Java's cast), +-1 on the one-step path, 0 unreduced
            DoubleVector half = DoubleVector.broadcast(D, 0.5).blend(-0.5, negative);
            IntVector k = ((IntVector) v.mul(INVLN2).add(half).convertShape(VectorOperators.D2I, I, 0))
                    .blend(IntVector.broadcast(I, 1).blend(-1, negative.cast(I)), oneStep.cast(I))
                    .blend(0, reduced.not().cast(I));
            DoubleVector kd = (DoubleVector) k.convertShape(VectorOperators.I2D, D, 0);
            DoubleVector hi = v.sub(kd.mul(LN2HI));
            DoubleVector lo = kd.mul(LN2LO);
            DoubleVector r = hi.sub(lo).blend(v, reduced.not());

            DoubleVector t = r.mul(r);
            DoubleVector c = r.sub(t.mul(t.mul(t.mul(t.mul(t.mul(P5).add(P4)).add(P3)).add(P2)).add(P1)));
            DoubleVector rc = r.mul(c);
            // k = 0: 1 - ((x c) / (c - 2) - x); else y = 1 - ((lo - x c / (2 - c)) - hi), then k added to y's exponent
            DoubleVector unreduced = DoubleVector.broadcast(D, 1.0).sub(rc.div(c.sub(2.0)).sub(r));
            DoubleVector y = DoubleVector.broadcast(D, 1.0).sub(lo.sub(rc.div(DoubleVector.broadcast(D, 2.0).sub(c))).sub(hi));
            LongVector k52 = ((LongVector) k.convertShape(VectorOperators.I2L, L, 0)).lanewise(VectorOperators.LSHL, 52);
            DoubleVector scaled = y.reinterpretAsLongs().add(k52).reinterpretAsDoubles();
            scaled.blend(unreduced, reduced.not()).blend(v.add(1.0), tiny).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = StrictMath.exp(x[i]);
        }
    }
}
