package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The blocked loops with the Vector API: one {@link LongVector} holds word w of a block's codes, so a distance is
 * vertical XOR, BIT_COUNT (VPOPCNTQ with AVX-512 VPOPCNTDQ) and ADD. Several queries share every block load.
 *
 * <p>Why the code looks like this: C2 keeps vectors in registers only while they are locals that never escape;
 * an array of vectors, or a vector passed to a method that is not inlined, is boxed on the heap and the loop runs
 * about 10x slower. So the accumulators are named locals and the rare slow path takes a long[]. A loop-carried
 * accumulator is always the argument, never the receiver ({@code a = fresh.add(a)}, not {@code a = a.add(fresh)}):
 * at the loop's phi C2 knows only the declared type LongVector, and when it compiles the kernel before a type profile
 * exists (the launcher compiles it early), {@code a.add} stays a virtual call and every vector is boxed: a whole run
 * rarely, but then 25x, slower. A fresh vector's exact class is known.
 * This class is loaded only when {@code jdk.incubator.vector} is in the module graph.
 */
final class PanamaHammingKernel extends PanamaTileKernel implements HammingKernel {
    /** 4 queries a pass for 256-bit codes (all 16 query words stay in registers), else 8 (words come from memory). */
    @Override
    public int queryGroup(int words) {
        return words == 4 ? 4 : 8;
    }

    @Override
    public void topK(BlockedTile tile, long[] queries, int q0, int q1, FlatTopK heaps) {
        long[] lanes = new long[LANES];
        long[] lanes8 = new long[8 * LANES];
        int words = tile.words();
        int group = queryGroup(words);
        if ((q1 - q0) % group != 0) {
            throw new IllegalArgumentException("query range " + q0 + ".." + q1 + " is not a multiple of " + group);
        }
        // One hot method per code width: every extra compiled variant is C2 time a short CLI run pays for.
        for (int q = q0; q < q1; q += group) {
            if (words == 4) {
                scan4x4(tile, queries, q, heaps, lanes);
            } else {
                scan8(tile, queries, q, heaps, lanes8);
            }
        }
    }

    /** Eight queries share each block load; their words are broadcast from memory as each is needed. */
    private static void scan8(BlockedTile tile, long[] queries, int q, FlatTopK heaps, long[] lanes8) {
        long[] data = tile.data();
        int words = tile.words();
        int blocks = tile.blocks();
        int stride = words * LANES;
        int qa = q * words;
        int qb = qa + words;
        int qc = qb + words;
        int qd = qc + words;
        int qe = qd + words;
        int qf = qe + words;
        int qg = qf + words;
        int qh = qg + words;
        int[] worst = heaps.worst();
        long ta = worst[q + 0];
        long tb = worst[q + 1];
        long tc = worst[q + 2];
        long td = worst[q + 3];
        long te = worst[q + 4];
        long tf = worst[q + 5];
        long tg = worst[q + 6];
        long th = worst[q + 7];
        for (int b = 0; b < blocks; b++) {
            int base = b * stride;
            LongVector x = LongVector.fromArray(SPECIES, data, base);
            LongVector a = x.lanewise(VectorOperators.XOR, queries[qa]).lanewise(VectorOperators.BIT_COUNT);
            LongVector bb = x.lanewise(VectorOperators.XOR, queries[qb]).lanewise(VectorOperators.BIT_COUNT);
            LongVector c = x.lanewise(VectorOperators.XOR, queries[qc]).lanewise(VectorOperators.BIT_COUNT);
            LongVector d = x.lanewise(VectorOperators.XOR, queries[qd]).lanewise(VectorOperators.BIT_COUNT);
            LongVector e = x.lanewise(VectorOperators.XOR, queries[qe]).lanewise(VectorOperators.BIT_COUNT);
            LongVector f = x.lanewise(VectorOperators.XOR, queries[qf]).lanewise(VectorOperators.BIT_COUNT);
            LongVector g = x.lanewise(VectorOperators.XOR, queries[qg]).lanewise(VectorOperators.BIT_COUNT);
            LongVector h = x.lanewise(VectorOperators.XOR, queries[qh]).lanewise(VectorOperators.BIT_COUNT);
            for (int w = 1; w < words; w++) {
                x = LongVector.fromArray(SPECIES, data, base + w * LANES);
                a = x.lanewise(VectorOperators.XOR, queries[qa + w]).lanewise(VectorOperators.BIT_COUNT).add(a);
                bb = x.lanewise(VectorOperators.XOR, queries[qb + w]).lanewise(VectorOperators.BIT_COUNT).add(bb);
                c = x.lanewise(VectorOperators.XOR, queries[qc + w]).lanewise(VectorOperators.BIT_COUNT).add(c);
                d = x.lanewise(VectorOperators.XOR, queries[qd + w]).lanewise(VectorOperators.BIT_COUNT).add(d);
                e = x.lanewise(VectorOperators.XOR, queries[qe + w]).lanewise(VectorOperators.BIT_COUNT).add(e);
                f = x.lanewise(VectorOperators.XOR, queries[qf + w]).lanewise(VectorOperators.BIT_COUNT).add(f);
                g = x.lanewise(VectorOperators.XOR, queries[qg + w]).lanewise(VectorOperators.BIT_COUNT).add(g);
                h = x.lanewise(VectorOperators.XOR, queries[qh + w]).lanewise(VectorOperators.BIT_COUNT).add(h);
            }
            VectorMask<Long> ma = a.compare(VectorOperators.LT, ta);
            VectorMask<Long> mb = bb.compare(VectorOperators.LT, tb);
            VectorMask<Long> mc = c.compare(VectorOperators.LT, tc);
            VectorMask<Long> md = d.compare(VectorOperators.LT, td);
            VectorMask<Long> me = e.compare(VectorOperators.LT, te);
            VectorMask<Long> mf = f.compare(VectorOperators.LT, tf);
            VectorMask<Long> mg = g.compare(VectorOperators.LT, tg);
            VectorMask<Long> mh = h.compare(VectorOperators.LT, th);
            if (ma.or(mb).or(mc).or(md).or(me).or(mf).or(mg).or(mh).anyTrue()) {
                // The rare slow path, kept out of line so C2 compiles a small hot loop: every lane of every query
                // goes through the heaps' own bound check.
                a.intoArray(lanes8, 0);
                bb.intoArray(lanes8, LANES);
                c.intoArray(lanes8, 2 * LANES);
                d.intoArray(lanes8, 3 * LANES);
                e.intoArray(lanes8, 4 * LANES);
                f.intoArray(lanes8, 5 * LANES);
                g.intoArray(lanes8, 6 * LANES);
                h.intoArray(lanes8, 7 * LANES);
                offer8(tile, b, lanes8, q, heaps);
                ta = worst[q];
                tb = worst[q + 1];
                tc = worst[q + 2];
                td = worst[q + 3];
                te = worst[q + 4];
                tf = worst[q + 5];
                tg = worst[q + 6];
                th = worst[q + 7];
            }
        }
    }

    /** Offers the lanes of 8 queries' distance vectors (query j's at [j * LANES, (j + 1) * LANES)). */
    private static void offer8(BlockedTile tile, int block, long[] lanes8, int q, FlatTopK heaps) {
        int firstCode = block * LANES;
        int valid = Math.min(LANES, tile.codes() - firstCode);
        long index = tile.first() + firstCode;
        for (int j = 0; j < 8; j++) {
            for (int l = 0; l < valid; l++) {
                heaps.offer(q + j, (int) lanes8[j * LANES + l], index + l);
            }
        }
    }

    /** Four queries of 4 words (256 bits): all 16 query words stay broadcast in registers for the whole tile. */
    private static void scan4x4(BlockedTile tile, long[] queries, int q, FlatTopK heaps, long[] lanes) {
        long[] data = tile.data();
        int blocks = tile.blocks();
        int o = q * 4;
        LongVector a0 = LongVector.broadcast(SPECIES, queries[o]), a1 = LongVector.broadcast(SPECIES, queries[o + 1]);
        LongVector a2 = LongVector.broadcast(SPECIES, queries[o + 2]), a3 = LongVector.broadcast(SPECIES, queries[o + 3]);
        LongVector b0 = LongVector.broadcast(SPECIES, queries[o + 4]), b1 = LongVector.broadcast(SPECIES, queries[o + 5]);
        LongVector b2 = LongVector.broadcast(SPECIES, queries[o + 6]), b3 = LongVector.broadcast(SPECIES, queries[o + 7]);
        LongVector c0 = LongVector.broadcast(SPECIES, queries[o + 8]), c1 = LongVector.broadcast(SPECIES, queries[o + 9]);
        LongVector c2 = LongVector.broadcast(SPECIES, queries[o + 10]), c3 = LongVector.broadcast(SPECIES, queries[o + 11]);
        LongVector d0 = LongVector.broadcast(SPECIES, queries[o + 12]), d1 = LongVector.broadcast(SPECIES, queries[o + 13]);
        LongVector d2 = LongVector.broadcast(SPECIES, queries[o + 14]), d3 = LongVector.broadcast(SPECIES, queries[o + 15]);
        int[] worst = heaps.worst();
        long ta = worst[q];
        long tb = worst[q + 1];
        long tc = worst[q + 2];
        long td = worst[q + 3];
        for (int b = 0; b < blocks; b++) {
            int base = b * 4 * LANES;
            LongVector x0 = LongVector.fromArray(SPECIES, data, base);
            LongVector x1 = LongVector.fromArray(SPECIES, data, base + LANES);
            LongVector x2 = LongVector.fromArray(SPECIES, data, base + 2 * LANES);
            LongVector x3 = LongVector.fromArray(SPECIES, data, base + 3 * LANES);
            LongVector a = x0.lanewise(VectorOperators.XOR, a0).lanewise(VectorOperators.BIT_COUNT).add(x1.lanewise(VectorOperators.XOR, a1).lanewise(VectorOperators.BIT_COUNT)).add(x2.lanewise(VectorOperators.XOR, a2).lanewise(VectorOperators.BIT_COUNT).add(x3.lanewise(VectorOperators.XOR, a3).lanewise(VectorOperators.BIT_COUNT)));
            LongVector bb = x0.lanewise(VectorOperators.XOR, b0).lanewise(VectorOperators.BIT_COUNT).add(x1.lanewise(VectorOperators.XOR, b1).lanewise(VectorOperators.BIT_COUNT)).add(x2.lanewise(VectorOperators.XOR, b2).lanewise(VectorOperators.BIT_COUNT).add(x3.lanewise(VectorOperators.XOR, b3).lanewise(VectorOperators.BIT_COUNT)));
            LongVector c = x0.lanewise(VectorOperators.XOR, c0).lanewise(VectorOperators.BIT_COUNT).add(x1.lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.BIT_COUNT)).add(x2.lanewise(VectorOperators.XOR, c2).lanewise(VectorOperators.BIT_COUNT).add(x3.lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.BIT_COUNT)));
            LongVector d = x0.lanewise(VectorOperators.XOR, d0).lanewise(VectorOperators.BIT_COUNT).add(x1.lanewise(VectorOperators.XOR, d1).lanewise(VectorOperators.BIT_COUNT)).add(x2.lanewise(VectorOperators.XOR, d2).lanewise(VectorOperators.BIT_COUNT).add(x3.lanewise(VectorOperators.XOR, d3).lanewise(VectorOperators.BIT_COUNT)));
            VectorMask<Long> ma = a.compare(VectorOperators.LT, ta);
            VectorMask<Long> mb = bb.compare(VectorOperators.LT, tb);
            VectorMask<Long> mc = c.compare(VectorOperators.LT, tc);
            VectorMask<Long> md = d.compare(VectorOperators.LT, td);
            if (ma.or(mb).or(mc).or(md).anyTrue()) {
                if (ma.anyTrue()) {
                    a.intoArray(lanes, 0);
                    ta = offer(tile, b, lanes, q, heaps);
                }
                if (mb.anyTrue()) {
                    bb.intoArray(lanes, 0);
                    tb = offer(tile, b, lanes, q + 1, heaps);
                }
                if (mc.anyTrue()) {
                    c.intoArray(lanes, 0);
                    tc = offer(tile, b, lanes, q + 2, heaps);
                }
                if (md.anyTrue()) {
                    d.intoArray(lanes, 0);
                    td = offer(tile, b, lanes, q + 3, heaps);
                }
            }
        }
    }

    /** The slow path: offers a block's lanes (in index order, skipping padding) and returns the new bound. */
    private static long offer(BlockedTile tile, int block, long[] lanes, int q, FlatTopK heaps) {
        int firstCode = block * LANES;
        int valid = Math.min(LANES, tile.codes() - firstCode);
        long index = tile.first() + firstCode;
        for (int l = 0; l < valid; l++) {
            heaps.offer(q, (int) lanes[l], index + l);
        }
        return heaps.worst(q);
    }

    @Override
    public void distances(BlockedTile tile, long[] queries, int q, int[] out) {
        long[] data = tile.data();
        int words = tile.words();
        int blocks = tile.blocks();
        int stride = words * LANES;
        int qa = q * words;
        long[] lanes = new long[LANES];
        for (int b = 0; b < blocks; b++) {
            int base = b * stride;
            LongVector a = LongVector.zero(SPECIES);
            for (int w = 0; w < words; w++) {
                LongVector x = LongVector.fromArray(SPECIES, data, base + w * LANES);
                a = x.lanewise(VectorOperators.XOR, queries[qa + w]).lanewise(VectorOperators.BIT_COUNT).add(a);
            }
            a.intoArray(lanes, 0);
            int valid = Math.min(LANES, tile.codes() - b * LANES);
            for (int l = 0; l < valid; l++) {
                out[b * LANES + l] = (int) lanes[l];
            }
        }
    }
}
