package io.binaryllm.binarize;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.internal.vectorization.VectorizationProvider;

import java.util.Optional;

/**
 * {@code scaled-sign}: the {@code sign} bits plus a per-row scale {@code alpha = mean(|x|)}, the least-squares
 * scale for reconstructing x as {@code alpha * (2b - 1)} (XNOR-Net). alpha is summed in double in the fixed order
 * of docs/contracts.md (eight partial sums, combined pairwise), so every backend reproduces it exactly.
 */
public final class ScaledSignBinarizer implements Binarizer {
    public ScaledSignBinarizer() {
    }

    @Override
    public String name() {
        return "scaled-sign";
    }

    @Override
    public int bits(int dims) {
        return dims;
    }

    @Override
    public Binarized binarize(FloatEmbeddingBatch input) {
        var codes = SignBinarizer.signCodes(input);
        return new Binarized(codes, Optional.of(scales(input)));
    }

    /** mean(|x|) of every row, in the contract's summation order. */
    public static double[] scales(FloatEmbeddingBatch input) {
        return VectorizationProvider.get().signPacker().meanAbs(input);
    }
}
