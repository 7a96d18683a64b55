package io.binaryllm.internal.vectorization;

/**
 * The inner loop of {@code hyperplane}: the signs of R x for one row x, where every output i is the float32 fma
 * chain {@code acc = fma(R[i][j], x[j], acc)} over j = 0..d-1 from 0. Implementations may compute many outputs
 * at once but never reorder a chain, so they agree bit for bit ({@link ScalarProjectionSigns} is the
 * specification).
 */
public interface ProjectionSigns {
    /**
     * @param rt     R transposed and padded: {@code rt[j * stride + i] = R[i][j]}, zero for i >= m
     * @param stride row length of {@code rt}, a multiple of {@link #outputsPerPass()}
     * @param m      number of outputs (bits)
     * @param x      the input row (d values)
     * @param words  receives the packed sign bits, {@code ceil(m / 64)} words, LSB first
     */
    void signs(float[] rt, int stride, int m, float[] x, long[] words);

    /** The layout granularity of {@code rt}: its stride must be a multiple of this. */
    int outputsPerPass();
}
