package io.binaryllm.kvcache.internal;

/**
 * Rotary position embedding (RoPE, llama2.c's form: pairs of adjacent dimensions within a head rotated together):
 * dimension pair (2i, 2i + 1) of a head at position p turns by p / theta^(2i / headSize) (theta: 10000 in llama2.c).
 * The angles' cosines and sines are computed in double with {@link StrictMath} (the same bits on every JVM and CPU)
 * and used as floats; a decoder computes one position's row once a token ({@link #row}), not a table of the whole
 * context (which a GGUF header may claim to be millions of positions).
 */
public final class Rope {
    private final int half;
    private final double[] denominators; // theta^(2i / headSize)

    public Rope(int headSize, double theta) {
        this.half = headSize / 2;
        this.denominators = new double[half];
        for (int i = 0; i < half; i++) {
            denominators[i] = StrictMath.pow(theta, (2.0 * i) / headSize);
        }
    }

    /** Pairs a head has. */
    public int half() {
        return half;
    }

    /** The cosines and sines of position {@code pos}'s angles into {@code cos} and {@code sin} (half each). */
    public void row(int pos, float[] cos, float[] sin) {
        for (int i = 0; i < half; i++) {
            double angle = pos / denominators[i];
            cos[i] = (float) StrictMath.cos(angle);
            sin[i] = (float) StrictMath.sin(angle);
        }
    }

    /** Rotates {@code heads} heads of {@code 2 * half} dimensions each in {@code v[offset...]} by a {@link #row}. */
    public void rotate(float[] v, int offset, int heads, float[] cos, float[] sin) {
        for (int h = 0; h < heads; h++) {
            int o = offset + h * 2 * half;
            for (int i = 0; i < half; i++) {
                float c = cos[i];
                float s = sin[i];
                float a = v[o + 2 * i];
                float b = v[o + 2 * i + 1];
                v[o + 2 * i] = a * c - b * s;
                v[o + 2 * i + 1] = a * s + b * c;
            }
        }
    }
}
