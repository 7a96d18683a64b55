package io.binaryllm.lowbit;

/**
 * llama.cpp's blocks of 256 ternary weights (ggml-common.h, ggml-quants.c), byte for byte, with one fp16 scale
 * {@code d} a block: weight = (t) * d, t in {-1, 0, +1} stored as t + 1 in {0, 1, 2}.
 * <pre>
 * TQ2_0 (66 bytes, 2.0625 bits a weight): qs[64], d
 *   byte j * 32 + m (j in 0..1, m in 0..31), bits 2n..2n+1 (n in 0..3): weight j * 128 + n * 32 + m
 * TQ1_0 (54 bytes, 1.6875 bits a weight): qs[48], qh[4], d; five trits a byte (four in qh), packed as
 *   q = sum t_k * 3^(4 - k) (the first trit most significant), stored as ceil(q * 256 / 243); trit k of a byte b
 *   reads back as ((b * 3^k mod 256) * 3) >> 8
 *   qs[m]      (m in 0..31), trit n: weight n * 32 + m            (weights 0..159)
 *   qs[32 + m] (m in 0..15), trit n: weight 160 + n * 16 + m      (weights 160..239)
 *   qh[j]      (j in 0..3),  trit n (n in 0..3): weight 240 + n * 4 + j   (weights 240..255; trit 4 is 0)
 * </pre>
 * The scale is stored as IEEE half precision rounded to nearest even ({@link Float#floatToFloat16}), as
 * {@code GGML_FP32_TO_FP16} does, so a packed matrix's scale is that half's value.
 */
public enum TernaryFormat {
    TQ2_0(66),
    TQ1_0(54);

    /** Weights a block. */
    public static final int BLOCK = 256;

    private final int blockBytes;

    TernaryFormat(int blockBytes) {
        this.blockBytes = blockBytes;
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** Bits a weight, the scale included. */
    public double bitsPerWeight() {
        return blockBytes * 8.0 / BLOCK;
    }

    /** Packs 256 trits from {@code trits[from]} with scale {@code scale} into one block at {@code out[at]}. */
    public void pack(byte[] trits, int from, float scale, byte[] out, int at) {
        switch (this) {
            case TQ2_0 -> {
                for (int j = 0; j < 2; j++) {
                    for (int m = 0; m < 32; m++) {
                        int q = 0;
                        for (int n = 0; n < 4; n++) {
                            q |= (trits[from + j * 128 + n * 32 + m] + 1) << (2 * n);
                        }
                        out[at + j * 32 + m] = (byte) q;
                    }
                }
                putHalf(out, at + 64, scale);
            }
            case TQ1_0 -> {
                for (int m = 0; m < 32; m++) {
                    out[at + m] = fiveTrits(trits, from + m, 32, 5);
                }
                for (int m = 0; m < 16; m++) {
                    out[at + 32 + m] = fiveTrits(trits, from + 160 + m, 16, 5);
                }
                for (int j = 0; j < 4; j++) {
                    out[at + 48 + j] = fiveTrits(trits, from + 240 + j, 4, 4);
                }
                putHalf(out, at + 52, scale);
            }
        }
    }

    /** Unpacks the block at {@code in[at]} into 256 trits at {@code trits[from]}; returns its scale. */
    public float unpack(byte[] in, int at, byte[] trits, int from) {
        switch (this) {
            case TQ2_0 -> {
                for (int j = 0; j < 2; j++) {
                    for (int m = 0; m < 32; m++) {
                        int q = in[at + j * 32 + m] & 0xff;
                        for (int n = 0; n < 4; n++) {
                            trits[from + j * 128 + n * 32 + m] = (byte) (((q >> (2 * n)) & 3) - 1);
                        }
                    }
                }
                return half(in, at + 64);
            }
            case TQ1_0 -> {
                for (int m = 0; m < 32; m++) {
                    readTrits(in[at + m], trits, from + m, 32, 5);
                }
                for (int m = 0; m < 16; m++) {
                    readTrits(in[at + 32 + m], trits, from + 160 + m, 16, 5);
                }
                for (int j = 0; j < 4; j++) {
                    readTrits(in[at + 48 + j], trits, from + 240 + j, 4, 4);
                }
                return half(in, at + 52);
            }
            default -> throw new AssertionError(this);
        }
    }

    /** {@code count} trits at {@code first}, {@code first + stride}, ... as one byte, padded to five trits with zeros. */
    private static byte fiveTrits(byte[] trits, int first, int stride, int count) {
        int q = 0;
        for (int k = 0; k < 5; k++) {
            q = q * 3 + (k < count ? trits[first + k * stride] + 1 : 0);
        }
        return (byte) ((q * 256 + 242) / 243); // ceiling division: 243 = 3^5
    }

    private static void readTrits(byte b, byte[] trits, int first, int stride, int count) {
        int q = b & 0xff;
        int pow = 1;
        for (int k = 0; k < count; k++) {
            int shifted = (q * pow) & 0xff;
            trits[first + k * stride] = (byte) (((shifted * 3) >> 8) - 1);
            pow *= 3;
        }
    }

    private static void putHalf(byte[] out, int at, float value) {
        short h = Float.floatToFloat16(value);
        out[at] = (byte) h;
        out[at + 1] = (byte) (h >> 8);
    }

    /** The scale of the block at {@code in[at]}: its half-precision {@code d}, the block's last two bytes. */
    public float scale(byte[] in, int at) {
        return half(in, at + blockBytes - 2);
    }

    private static float half(byte[] in, int at) {
        return Float.float16ToFloat((short) ((in[at] & 0xff) | (in[at + 1] & 0xff) << 8));
    }
}
