package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ExpKernel} in vector lanes: StrictMath.exp's own algorithm (fdlibm's e_exp.c, as {@code java.lang.FdLibm.Exp}
 * writes it) step for step in each lane, with the same constants and the same IEEE operations in the same order (no
 * fused multiply-add), so every lane is StrictMath's bits. Both of fdlibm's reductions are computed and each lane takes
 * its own; a block with a lane outside the common range (|x| at least 709.78, NaN, or a result needing fdlibm's
 * subnormal scaling) is computed by StrictMath itself, as is the tail.
 */
final class PanamaExpKernel implements ExpKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final double LN2_HI = 0x1.62e42feep-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    private static final double INV_LN2 = 0x1.71547652b82fep0;
    private static final double P1 = 0x1.555555555553ep-3;
    private static final double P2 = -0x1.6c16c16bebd93p-9;
    private static final double P3 = 0x1.1566aaf25de2cp-14;
    private static final double P4 = -0x1.bbd41c5d26bf1p-20;
    private static final double P5 = 0x1.6376972bea4d0p-25;

    @Override
    public void exp(double[] in, int inOffset, double[] out, int outOffset, int n) {
        int i = 0;
        for (; i + D.length() <= n; i += D.length()) {
            DoubleVector x = DoubleVector.fromArray(D, in, inOffset + i);
            DoubleVector y = block(x);
            if (y == null) {
                for (int l = 0; l < D.length(); l++) {
                    out[outOffset + i + l] = StrictMath.exp(in[inOffset + i + l]);
                }
            } else {
                y.intoArray(out, outOffset + i);
            }
        }
        for (; i < n; i++) {
            out[outOffset + i] = StrictMath.exp(in[inOffset + i]);
        }
    }

    /** fdlibm's exp of every lane, or null when a lane needs one of its rare paths. */
    private static DoubleVector block(DoubleVector x) {
        LongVector bits = x.reinterpretAsLongs();
        LongVector hx = bits.lanewise(VectorOperators.LSHR, 32).and(0x7fffffffL); // high word of |x|
        VectorMask<Long> negative = bits.lt(0L);
        if (hx.compare(VectorOperators.GE, 0x40862E42L).anyTrue()) { // |x| >= 709.78..., inf, NaN
            return null;
        }
        VectorMask<Long> reduced = hx.compare(VectorOperators.GT, 0x3fd62e42L); // |x| > 0.5 ln2
        VectorMask<Long> near = hx.compare(VectorOperators.LT, 0x3FF0A2B2L);    // |x| < 1.5 ln2
        VectorMask<Long> tiny = hx.compare(VectorOperators.LT, 0x3e300000L);    // |x| < 2^-28
        // k: +-1 near ln2, else (int) (invln2 * x + (x < 0 ? -0.5 : 0.5)); 0 where nothing is reduced.
        DoubleVector half = DoubleVector.broadcast(D, 0.5).blend(-0.5, negative.cast(D));
        LongVector kFar = (LongVector) x.mul(INV_LN2).add(half).convert(VectorOperators.D2L, 0);
        LongVector kNear = LongVector.broadcast(D.withLanes(long.class), 1L).blend(-1L, negative);
        LongVector k = kFar.blend(kNear, near).blend(0L, reduced.not());
        if (k.compare(VectorOperators.LT, -1021L).or(k.compare(VectorOperators.GT, 1023L)).anyTrue()) {
            return null; // fdlibm scales by 2^(k+1000) and 2^-1000 there; 2^1024 is no double
        }
        DoubleVector t = (DoubleVector) k.convert(VectorOperators.L2D, 0);
        // Near ln2, fdlibm's hi = x - (+-ln2HI) and lo = +-ln2LO are the same doubles as t * ln2HI, t * ln2LO with t = +-1.
        DoubleVector hi = x.sub(t.mul(LN2_HI));
        DoubleVector lo = t.mul(LN2_LO);
        VectorMask<Double> reducedD = reduced.cast(D);
        DoubleVector r = x.blend(hi.sub(lo), reducedD);
        DoubleVector tt = r.mul(r);
        DoubleVector c = r.sub(tt.mul(tt.mul(tt.mul(tt.mul(tt.mul(P5).add(P4)).add(P3)).add(P2)).add(P1)));
        DoubleVector rc = r.mul(c);
        // k == 0: 1 - ((x c) / (c - 2) - x); else 1 - ((lo - (x c) / (2 - c)) - hi), times 2^k.
        DoubleVector plain = DoubleVector.broadcast(D, 1.0).sub(rc.div(c.sub(2.0)).sub(r));
        DoubleVector y = DoubleVector.broadcast(D, 1.0).sub(lo.sub(rc.div(DoubleVector.broadcast(D, 2.0).sub(c))).sub(hi));
        DoubleVector scale = k.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector scaled = y.mul(scale); // exact: fdlibm adds k to the exponent of a normal result
        DoubleVector result = plain.blend(scaled, reducedD);
        return result.blend(x.add(1.0), tiny.cast(D)); // fdlibm: 1 + x below 2^-28
    }
}
