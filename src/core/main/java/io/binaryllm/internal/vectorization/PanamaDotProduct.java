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
 * The many-row products ({@link #dots}, {@link #matVec}) widen x once and, where the CPU has 512-bit vectors, keep a
 * row's eight lanes in one vector, eight rows at a time.
 */
final class PanamaDotProduct implements DotProduct {
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    /** Float lanes of the value sums: the CPU's widest (a float sum needs no widening, so no conversion to avoid). */
    private static final VectorSpecies<Float> FP = FloatVector.SPECIES_PREFERRED;

    /** Bytes of a matrix above which {@link #rows} reads it as four far-apart streams: about a core's L2 and more. */
    private static final long STREAMED_BYTES = 2L << 20;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Whether the many-row products keep a row's eight lanes in one 512-bit vector (AVX-512) or two 256-bit ones. */
    private final boolean wide;

    /** The row products in the widest vectors this CPU runs in hardware. */
    PanamaDotProduct() {
        this(DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512);
    }

    PanamaDotProduct(boolean wide) {
        this.wide = wide;
    }

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

    @Override
    public void dots(float[] x, int xOffset, float[] w, int wOffset, int stride, int rows, int d, double[] out, int outOffset) {
        rows(x, xOffset, w, wOffset, stride, rows, d, out, null, outOffset);
    }

    @Override
    public void matVec(float[] w, int wOffset, int rows, int d, float[] x, int xOffset, float[] out, int outOffset) {
        rows(x, xOffset, w, wOffset, d, rows, d, null, out, outOffset);
    }

    /**
     * Rows of w against x, into {@code doubles} or (rounded once) {@code floats}: x widened to double once for all of
     * them, each weight widened as it is read, every row's eight partial sums in the specified order. In 512-bit
     * vectors: eight adjacent rows at a time while the matrix fits in cache, four a quarter of the matrix apart when it
     * is read from memory; in 256-bit halves, four rows at a time, then {@link #dot}.
     */
    private void rows(float[] x, int xOffset, float[] w, int wOffset, int stride, int rows, int d, double[] doubles, float[] floats, int outOffset) {
        int blocks = d & ~7;
        Scratch scratch = SCRATCH.get();
        double[] xd = scratch.widened(blocks); // [blocks] x widened
        for (int j = 0; j < blocks; j++) {
            xd[j] = x[xOffset + j];
        }
        double[] lanes = scratch.lanes; // [8 rows][8 partial sums]
        int r = 0;
        if (wide) {
            // One row's sum is one chain of dependent adds, so rows run several at a time: in cache eight adjacent
            // ones; a matrix larger than a core's L2, read from memory, four rows a quarter of the matrix apart (four
            // streams far apart: adjacent rows read together ran at half one row's rate from memory).
            boolean streamed = (long) rows * stride * Float.BYTES > STREAMED_BYTES;
            if (streamed) {
                int q = rows / 4;
                for (; r < q; r++) {
                    int o = wOffset + r * stride;
                    rows4Apart(xd, w, o, q * stride, blocks, lanes);
                    for (int i = 0; i < 4; i++) {
                        put(doubles, floats, outOffset + r + i * q, finish(lanes, 8 * i, x, xOffset, w, o + i * q * stride, blocks, d));
                    }
                }
                r = 4 * q;
            }
            for (; !streamed && r + 8 <= rows; r += 8) {
                int o = wOffset + r * stride;
                rows8Wide(xd, w, o, stride, blocks, lanes);
                for (int i = 0; i < 8; i++) {
                    put(doubles, floats, outOffset + r + i, finish(lanes, 8 * i, x, xOffset, w, o + i * stride, blocks, d));
                }
            }
            for (; r < rows; r++) {
                int o = wOffset + r * stride;
                DoubleVector a0 = DoubleVector.zero(D8);
                for (int j = 0; j < blocks; j += 8) {
                    a0 = wide8(w, o + j).lanewise(VectorOperators.FMA, DoubleVector.fromArray(D8, xd, j), a0);
                }
                a0.intoArray(lanes, 0);
                put(doubles, floats, outOffset + r, finish(lanes, 0, x, xOffset, w, o, blocks, d));
            }
            return;
        }
        for (; r + 4 <= rows; r += 4) {
            int o = wOffset + r * stride;
            rows4(xd, w, o, o + stride, o + 2 * stride, o + 3 * stride, blocks, lanes);
            for (int i = 0; i < 4; i++) {
                put(doubles, floats, outOffset + r + i, finish(lanes, 8 * i, x, xOffset, w, o + i * stride, blocks, d));
            }
        }
        for (; r < rows; r++) {
            put(doubles, floats, outOffset + r, dot(x, xOffset, w, wOffset + r * stride, d));
        }
    }

    /** A row's sum into whichever output the product has: as it is, or rounded to float once. */
    private static void put(double[] doubles, float[] floats, int at, double sum) {
        if (doubles != null) {
            doubles[at] = sum;
        } else {
            floats[at] = (float) sum;
        }
    }

    /**
     * A thread's scratch for {@link #rows}: a decode step makes a hundred calls of a few microseconds, and fresh arrays
     * of their size (too large for the JIT to keep off the heap) made garbage at hundreds of MB a second.
     */
    private static final class Scratch {
        final double[] lanes = new double[64];
        double[] xd = new double[0];

        double[] widened(int n) {
            if (xd.length < n) {
                xd = new double[n];
            }
            return xd;
        }
    }

    /**
     * Eight rows' whole blocks in one 512-bit vector each: lane l is the specification's s[l] (w * x + a: the product
     * is exact in double, so the fused add is the specification's add).
     */
    private static void rows8Wide(double[] xd, float[] w, int o, int stride, int blocks, double[] lanes) {
        DoubleVector a0 = DoubleVector.zero(D8);
        DoubleVector a1 = DoubleVector.zero(D8);
        DoubleVector a2 = DoubleVector.zero(D8);
        DoubleVector a3 = DoubleVector.zero(D8);
        DoubleVector a4 = DoubleVector.zero(D8);
        DoubleVector a5 = DoubleVector.zero(D8);
        DoubleVector a6 = DoubleVector.zero(D8);
        DoubleVector a7 = DoubleVector.zero(D8);
        int o1 = o + stride;
        int o2 = o + 2 * stride;
        int o3 = o + 3 * stride;
        int o4 = o + 4 * stride;
        int o5 = o + 5 * stride;
        int o6 = o + 6 * stride;
        int o7 = o + 7 * stride;
        for (int j = 0; j < blocks; j += 8) {
            DoubleVector xv = DoubleVector.fromArray(D8, xd, j);
            a0 = wide8(w, o + j).lanewise(VectorOperators.FMA, xv, a0);
            a1 = wide8(w, o1 + j).lanewise(VectorOperators.FMA, xv, a1);
            a2 = wide8(w, o2 + j).lanewise(VectorOperators.FMA, xv, a2);
            a3 = wide8(w, o3 + j).lanewise(VectorOperators.FMA, xv, a3);
            a4 = wide8(w, o4 + j).lanewise(VectorOperators.FMA, xv, a4);
            a5 = wide8(w, o5 + j).lanewise(VectorOperators.FMA, xv, a5);
            a6 = wide8(w, o6 + j).lanewise(VectorOperators.FMA, xv, a6);
            a7 = wide8(w, o7 + j).lanewise(VectorOperators.FMA, xv, a7);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 8);
        a2.intoArray(lanes, 16);
        a3.intoArray(lanes, 24);
        a4.intoArray(lanes, 32);
        a5.intoArray(lanes, 40);
        a6.intoArray(lanes, 48);
        a7.intoArray(lanes, 56);
    }

    /** Four rows {@code apart} floats apart, whole blocks, one 512-bit vector each: lanes as {@link #rows8Wide}'s. */
    private static void rows4Apart(double[] xd, float[] w, int o, int apart, int blocks, double[] lanes) {
        DoubleVector a0 = DoubleVector.zero(D8);
        DoubleVector a1 = DoubleVector.zero(D8);
        DoubleVector a2 = DoubleVector.zero(D8);
        DoubleVector a3 = DoubleVector.zero(D8);
        int o1 = o + apart;
        int o2 = o + 2 * apart;
        int o3 = o + 3 * apart;
        for (int j = 0; j < blocks; j += 8) {
            DoubleVector xv = DoubleVector.fromArray(D8, xd, j);
            a0 = wide8(w, o + j).lanewise(VectorOperators.FMA, xv, a0);
            a1 = wide8(w, o1 + j).lanewise(VectorOperators.FMA, xv, a1);
            a2 = wide8(w, o2 + j).lanewise(VectorOperators.FMA, xv, a2);
            a3 = wide8(w, o3 + j).lanewise(VectorOperators.FMA, xv, a3);
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 8);
        a2.intoArray(lanes, 16);
        a3.intoArray(lanes, 24);
    }

    /** Four rows' whole blocks in two 256-bit halves a row (lanes 0-3 and 4-7), for CPUs without 512-bit vectors. */
    private static void rows4(double[] xd, float[] w, int o0, int o1, int o2, int o3, int blocks, double[] lanes) {
        DoubleVector l0 = DoubleVector.zero(D4);
        DoubleVector h0 = DoubleVector.zero(D4);
        DoubleVector l1 = DoubleVector.zero(D4);
        DoubleVector h1 = DoubleVector.zero(D4);
        DoubleVector l2 = DoubleVector.zero(D4);
        DoubleVector h2 = DoubleVector.zero(D4);
        DoubleVector l3 = DoubleVector.zero(D4);
        DoubleVector h3 = DoubleVector.zero(D4);
        for (int j = 0; j < blocks; j += 8) {
            DoubleVector xl = DoubleVector.fromArray(D4, xd, j);
            DoubleVector xh = DoubleVector.fromArray(D4, xd, j + 4);
            l0 = wide(w, o0 + j).lanewise(VectorOperators.FMA, xl, l0);
            h0 = wide(w, o0 + j + 4).lanewise(VectorOperators.FMA, xh, h0);
            l1 = wide(w, o1 + j).lanewise(VectorOperators.FMA, xl, l1);
            h1 = wide(w, o1 + j + 4).lanewise(VectorOperators.FMA, xh, h1);
            l2 = wide(w, o2 + j).lanewise(VectorOperators.FMA, xl, l2);
            h2 = wide(w, o2 + j + 4).lanewise(VectorOperators.FMA, xh, h2);
            l3 = wide(w, o3 + j).lanewise(VectorOperators.FMA, xl, l3);
            h3 = wide(w, o3 + j + 4).lanewise(VectorOperators.FMA, xh, h3);
        }
        l0.intoArray(lanes, 0);
        h0.intoArray(lanes, 4);
        l1.intoArray(lanes, 8);
        h1.intoArray(lanes, 12);
        l2.intoArray(lanes, 16);
        h2.intoArray(lanes, 20);
        l3.intoArray(lanes, 24);
        h3.intoArray(lanes, 28);
    }

    /**
     * Value rows summed in float lanes: two or one vector of j's at a time, each a register through all n rows, so
     * every lane adds its products in the specified order (multiply, round, add: never fused); j's past the last
     * whole vector as the specification does them.
     */
    @Override
    public void weightedRows(float[] weights, int n, int[] rows, float[] v, int vOffset, int stride, int d, float[] out, int outOffset) {
        int lanes = FP.length();
        int j = 0;
        for (; j + 2 * lanes <= d; j += 2 * lanes) { // two chains hide an add's latency (a head of 32 floats: one pass)
            FloatVector s0 = FloatVector.zero(FP);
            FloatVector s1 = FloatVector.zero(FP);
            for (int i = 0; i < n; i++) {
                float a = weights[i];
                int o = vOffset + (rows == null ? i : rows[i]) * stride + j;
                s0 = s0.add(FloatVector.fromArray(FP, v, o).mul(a));
                s1 = s1.add(FloatVector.fromArray(FP, v, o + lanes).mul(a));
            }
            s0.intoArray(out, outOffset + j);
            s1.intoArray(out, outOffset + j + lanes);
        }
        for (; j + lanes <= d; j += lanes) {
            FloatVector s0 = FloatVector.zero(FP);
            for (int i = 0; i < n; i++) {
                s0 = s0.add(FloatVector.fromArray(FP, v, vOffset + (rows == null ? i : rows[i]) * stride + j).mul(weights[i]));
            }
            s0.intoArray(out, outOffset + j);
        }
        if (j < d) {
            DotProduct.super.weightedRows(weights, n, rows, v, vOffset + j, stride, d - j, out, outOffset + j);
        }
    }

    /** Eight floats from {@code at}, widened to eight doubles. */
    private static DoubleVector wide8(float[] v, int at) {
        return (DoubleVector) FloatVector.fromArray(F8, v, at).convertShape(VectorOperators.F2D, D8, 0);
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
        return finish(p, 0, a, aOffset, b, bOffset, j, d);
    }

    /** {@link #finish} of the eight partial sums at {@code p[at, at + 8)}. */
    private static double finish(double[] p, int at, float[] a, int aOffset, float[] b, int bOffset, int j, int d) {
        for (int l = at; j < d; j++, l++) {
            p[l] += (double) a[aOffset + j] * b[bOffset + j];
        }
        return ((p[at] + p[at + 1]) + (p[at + 2] + p[at + 3])) + ((p[at + 4] + p[at + 5]) + (p[at + 6] + p[at + 7]));
    }
}
