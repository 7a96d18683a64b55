package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

/**
 * BitNet's per-token activation quantizer, specified to the bit: for a token's {@code n} activations,
 * <pre>
 *   absmax = max |x_i|                                   // exact in float
 *   scale  = 127f / max(absmax, 1e-5f)                   // float division
 *   q_i    = clamp(rint(x_i * scale), -128, 127)         // float product, round half to even
 * </pre>
 * so that {@code x_i ~ q_i / scale}. Round half to even is PyTorch's {@code round}.
 */
public final class Int8Activations {
    /** The smallest absmax: an all-zero token keeps a finite scale. */
    public static final float MIN_ABSMAX = 1e-5f;

    private Int8Activations() {
    }

    /**
     * Quantizes {@code x[offset, offset + n)} into {@code out[outOffset, outOffset + n)} and returns the scale
     * (activation i is {@code out[i] / scale}).
     */
    public static float quantize(float[] x, int offset, int n, byte[] out, int outOffset) {
        float absmax = 0;
        for (int i = offset; i < offset + n; i++) {
            if (!Float.isFinite(x[i])) {
                throw new BadArgumentException("x", "activation " + (i - offset) + " is " + x[i]);
            }
            absmax = Math.max(absmax, Math.abs(x[i]));
        }
        float scale = 127f / Math.max(absmax, MIN_ABSMAX);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (byte) Math.max(-128, Math.min(127, Math.rint(x[offset + i] * scale)));
        }
        return scale;
    }
}
