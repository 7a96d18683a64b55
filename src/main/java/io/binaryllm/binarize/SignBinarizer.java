package io.binaryllm.binarize;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;

import java.util.Optional;

/**
 * {@code sign}: bit j is 1 iff {@code x[j] > 0}. Zero and negative zero give 0, as {@code numpy.packbits(x > 0)}
 * does. One bit per dimension.
 */
public final class SignBinarizer implements Binarizer {
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
        input.requireFinite();
        int d = input.dims();
        BinaryCodeBatch out = BinaryCodeBatch.allocate(input.rows(), d, input.source());
        float[] row = new float[d];
        for (long r = 0; r < input.rows(); r++) {
            input.copyRow(r, row);
            long word = 0;
            for (int j = 0; j < d; j++) {
                if (row[j] > 0f) {
                    word |= 1L << (j & 63);
                }
                if ((j & 63) == 63 || j == d - 1) {
                    out.setWord(r, j >>> 6, word);
                    word = 0;
                }
            }
        }
        return out;
    }
}
