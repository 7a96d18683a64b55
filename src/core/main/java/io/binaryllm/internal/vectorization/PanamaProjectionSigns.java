package io.binaryllm.internal.vectorization;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The projection with the Vector API: each lane is one output's fma chain, so lanes never mix and every chain runs
 * j = 0..d-1 in order, exactly as the scalar specification. Four vectors of outputs per pass hide the fma latency.
 * Loaded only when {@code jdk.incubator.vector} is present.
 */
final class PanamaProjectionSigns implements ProjectionSigns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public int outputsPerPass() {
        return 4 * L;
    }

    @Override
    public void signs(float[] rt, int stride, int m, float[] x, long[] words) {
        Arrays.fill(words, 0L);
        int d = x.length;
        for (int i0 = 0; i0 < m; i0 += 4 * L) {
            FloatVector a = FloatVector.zero(S);
            FloatVector b = FloatVector.zero(S);
            FloatVector c = FloatVector.zero(S);
            FloatVector e = FloatVector.zero(S);
            for (int j = 0; j < d; j++) {
                FloatVector xj = FloatVector.broadcast(S, x[j]);
                int base = j * stride + i0;
                a = FloatVector.fromArray(S, rt, base).lanewise(VectorOperators.FMA, xj, a);
                b = FloatVector.fromArray(S, rt, base + L).lanewise(VectorOperators.FMA, xj, b);
                c = FloatVector.fromArray(S, rt, base + 2 * L).lanewise(VectorOperators.FMA, xj, c);
                e = FloatVector.fromArray(S, rt, base + 3 * L).lanewise(VectorOperators.FMA, xj, e);
            }
            put(words, m, i0, a.compare(VectorOperators.GT, 0f).toLong());
            put(words, m, i0 + L, b.compare(VectorOperators.GT, 0f).toLong());
            put(words, m, i0 + 2 * L, c.compare(VectorOperators.GT, 0f).toLong());
            put(words, m, i0 + 3 * L, e.compare(VectorOperators.GT, 0f).toLong());
        }
    }

    /** ORs the L sign bits of outputs [i, i + L) into the words, dropping outputs >= m (padding). */
    private static void put(long[] words, int m, int i, long bits) {
        for (int l = 0; l < L && i + l < m; l++) {
            if ((bits >>> l & 1) != 0) {
                words[(i + l) >>> 6] |= 1L << ((i + l) & 63);
            }
        }
    }
}
