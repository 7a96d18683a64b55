package io.binaryllm.internal.vectorization;

import java.util.Arrays;

/** The specification: one fma chain per output, in order. */
final class ScalarProjectionSigns implements ProjectionSigns {
    @Override
    public int outputsPerPass() {
        return 1;
    }

    @Override
    public void signs(float[] rt, int stride, int m, float[] x, long[] words) {
        Arrays.fill(words, 0L);
        for (int i = 0; i < m; i++) {
            float acc = 0f;
            for (int j = 0; j < x.length; j++) {
                acc = Math.fma(rt[j * stride + i], x[j], acc);
            }
            if (acc > 0f) {
                words[i >>> 6] |= 1L << (i & 63);
            }
        }
    }
}
