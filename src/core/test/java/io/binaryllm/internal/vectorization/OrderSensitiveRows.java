package io.binaryllm.internal.vectorization;

import java.util.SplittableRandom;

/**
 * Float rows whose dot product with x depends on the order of the adds, even after rounding to float: among products
 * near 1, two of +-2^60 that cancel (columns chosen from 1, d / 2 and d - 2, so in one lane or in two). Whatever is
 * added while a partial sum holds 2^60 is absorbed (doubles near 2^60 are 256 apart), so another order absorbs other
 * products and gives another float; gaussian rows would agree after rounding whatever the order. For d of 8 or more.
 */
final class OrderSensitiveRows {
    final float[] x; // [d]
    final float[] w; // (rows, d)
    final int rows;
    final int d;

    OrderSensitiveRows(SplittableRandom r, int rows, int d) {
        this.rows = rows;
        this.d = d;
        x = unitGaussians(r, d);
        int[] spikes = {1, d / 2, d - 2};
        for (int p : spikes) {
            x[p] = 0x1p20f;
        }
        w = unitGaussians(r, rows * d);
        for (int i = 0; i < rows; i++) {
            w[i * d + spikes[i % 3]] = 0x1p40f;
            w[i * d + spikes[(i + 1 + i / 3 % 2) % 3]] = -0x1p40f;
        }
    }

    /** The rows whose float differs between the specified order ({@code scalar}) and a plain left-to-right sum. */
    int rowsTheOrderDecides(DotProduct scalar) {
        int count = 0;
        for (int i = 0; i < rows; i++) {
            double leftToRight = 0;
            for (int j = 0; j < d; j++) {
                leftToRight += (double) w[i * d + j] * x[j];
            }
            count += (float) leftToRight != (float) scalar.dot(x, 0, w, i * d, d) ? 1 : 0;
        }
        return count;
    }

    /** Gaussian floats of unit scale: products near 1, absorbed by a 2^60 partial sum. */
    static float[] unitGaussians(SplittableRandom r, int n) {
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (float) r.nextGaussian();
        }
        return out;
    }
}
