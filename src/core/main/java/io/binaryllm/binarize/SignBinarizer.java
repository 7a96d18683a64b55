package io.binaryllm.binarize;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.internal.vectorization.VectorizationProvider;

import java.util.Optional;

/**
 * {@code sign}: bit j is 1 iff {@code x[j] > 0}. Zero and negative zero give 0, as {@code numpy.packbits(x > 0)}
 * does. One bit per dimension.
 */
public final class SignBinarizer implements Binarizer {
    public SignBinarizer() {
    }

    @Override
    public String name() {
        return "sign";
    }

    @Override
    public int bits(int dims) {
        return dims;
    }

    @Override
    public Binarized binarize(FloatEmbeddingBatch input) {
        return new Binarized(signCodes(input), Optional.empty());
    }

    /** The sign codes of every row; shared with {@link ScaledSignBinarizer}, whose bits are the same. */
    static BinaryCodeBatch signCodes(FloatEmbeddingBatch input) {
        BinaryCodeBatch out = BinaryCodeBatch.allocate(input.rows(), input.dims(), input.source());
        try {
            VectorizationProvider.get().signPacker().packSigns(input, out);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }
}
