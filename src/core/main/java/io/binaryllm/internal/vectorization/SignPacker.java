package io.binaryllm.internal.vectorization;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;

/**
 * The inner loops of {@code sign} and {@code scaled-sign}: sign bits and mean absolute values of float rows.
 * {@link ScalarSignPacker} is the specification; the Vector API version must give identical output.
 */
public interface SignPacker {
    /** Writes the sign bits of every row of {@code in} into {@code out}; refuses NaN and infinities. */
    void packSigns(FloatEmbeddingBatch in, BinaryCodeBatch out);

    /**
     * mean(|x|) of every row. The sum runs in double in a fixed order that vectorizes: eight partial sums,
     * {@code s[j % 8] += |x[j]|} for j = 0..d-1, combined as {@code ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7))}, then
     * divided by d. Every backend reproduces this order, so scales are bit-identical everywhere.
     */
    double[] meanAbs(FloatEmbeddingBatch in);
}
