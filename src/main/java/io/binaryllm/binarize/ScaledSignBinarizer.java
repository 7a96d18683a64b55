package io.binaryllm.binarize;

import io.binaryllm.data.FloatEmbeddingBatch;

import java.util.Optional;

/**
 * {@code scaled-sign}: the {@code sign} bits plus a per-row scale {@code alpha = mean(|x|)}, the least-squares
 * scale for reconstructing x as {@code alpha * (2b - 1)} (XNOR-Net). alpha is summed in double, left to right,
 * then divided by d, so every backend can reproduce it exactly.
 */
public final class ScaledSignBinarizer implements Binarizer {
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

    /** mean(|x|) of every row, in double. */
    public static double[] scales(FloatEmbeddingBatch input) {
        double[] out = new double[Math.toIntExact(input.rows())];
        float[] row = new float[input.dims()];
        for (int r = 0; r < out.length; r++) {
            input.copyRow(r, row);
            double sum = 0;
            for (float v : row) {
                sum += Math.abs((double) v);
            }
            out[r] = sum / row.length;
        }
        return out;
    }
}
