package io.binaryllm.internal.vectorization;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;

import java.util.Arrays;

/** The specification of sign packing and scales, one value at a time. */
final class ScalarSignPacker implements SignPacker {
    @Override
    public void packSigns(FloatEmbeddingBatch in, BinaryCodeBatch out) {
        in.requireFinite();
        int d = in.dims();
        float[] row = new float[d];
        for (long r = 0; r < in.rows(); r++) {
            in.copyRow(r, row);
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
    }

    @Override
    public double[] meanAbs(FloatEmbeddingBatch in) {
        double[] out = new double[Math.toIntExact(in.rows())];
        float[] row = new float[in.dims()];
        double[] s = new double[8];
        for (int r = 0; r < out.length; r++) {
            in.copyRow(r, row);
            Arrays.fill(s, 0.0);
            for (int j = 0; j < row.length; j++) {
                s[j & 7] += Math.abs((double) row[j]);
            }
            out[r] = (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))) / row.length;
        }
        return out;
    }
}
