package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;

import java.util.Arrays;

/**
 * The binary activation quantizer of the binary arm, specified to the bit: a token's {@code n} activations become
 * their signs and one scale,
 * <pre>
 *   bit_i = x_i > 0                                     // 0.0 and -0.0 are negative, as for binary weights
 *   scale = (float) (sum |x_i| / n)                     // a double sum in index order, divided, rounded once
 * </pre>
 * so that {@code x_i ~ (bit_i ? +1 : -1) * scale}; the bits LSB-first in {@code ceil(n / 64)} words, padding zero.
 */
public final class SignActivations {
    private SignActivations() {
    }

    /** Packs {@code x[offset, offset + n)} into {@code out[outOffset, outOffset + ceil(n / 64))} and returns the scale. */
    public static float quantize(float[] x, int offset, int n, long[] out, int outOffset) {
        double sum = 0;
        Arrays.fill(out, outOffset, outOffset + ((n + 63) >>> 6), 0L);
        for (int i = 0; i < n; i++) {
            float v = x[offset + i];
            if (!Float.isFinite(v)) {
                throw new BadArgumentException("x", "activation " + i + " is " + v);
            }
            sum += Math.abs(v);
            if (v > 0f) {
                out[outOffset + (i >>> 6)] |= 1L << (i & 63);
            }
        }
        return (float) (sum / n);
    }
}
