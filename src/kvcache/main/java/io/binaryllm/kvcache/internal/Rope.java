package io.binaryllm.kvcache.internal;

/**
 * Rotary position embedding (RoPE, llama2.c's form: pairs of adjacent dimensions within a head rotated together):
 * dimension pair (2i, 2i + 1) of a head at position p turns by p * theta^(-2i / headSize) (theta: 10000 in llama2.c). The angles' cosines and
 * sines are computed once in double with {@link StrictMath} (the same bits on every JVM and CPU) and kept as floats.
 */
public final class Rope {
    private final int half;
    private final float[] cos;
    private final float[] sin;

    public Rope(int seqLen, int headSize, double theta) {
        this.half = headSize / 2;
        this.cos = new float[seqLen * half];
        this.sin = new float[seqLen * half];
        for (int p = 0; p < seqLen; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p / StrictMath.pow(theta, (2.0 * i) / headSize);
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
    }

    /** Rotates {@code heads} heads of {@code 2 * half} dimensions each in {@code v[offset...]} to position {@code pos}. */
    public void rotate(float[] v, int offset, int heads, int pos) {
        int base = pos * half;
        for (int h = 0; h < heads; h++) {
            int o = offset + h * 2 * half;
            for (int i = 0; i < half; i++) {
                float c = cos[base + i];
                float s = sin[base + i];
                float a = v[o + 2 * i];
                float b = v[o + 2 * i + 1];
                v[o + 2 * i] = a * c - b * s;
                v[o + 2 * i + 1] = a * s + b * c;
            }
        }
    }
}
