package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;
import io.binaryllm.seed.SplitMix64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TernaryFormatTest {
    private static byte[] randomTrits(long seed, int n) {
        SplitMix64 rng = new SplitMix64(seed);
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) (rng.nextLong(3) - 1);
        }
        return t;
    }

    /** ggml's dequantize_row_tq2_0, loop for loop: the weights of one block in the order it writes them. */
    private static float[] ggmlTq2(byte[] block) {
        float d = Float.float16ToFloat((short) ((block[64] & 0xff) | (block[65] & 0xff) << 8));
        float[] y = new float[256];
        int k = 0;
        for (int j = 0; j < 64; j += 32) {
            for (int l = 0; l < 4; l++) {
                for (int m = 0; m < 32; m++) {
                    int q = ((block[j + m] & 0xff) >> (l * 2)) & 3;
                    y[k++] = (float) (q - 1) * d;
                }
            }
        }
        return y;
    }

    /** ggml's dequantize_row_tq1_0, loop for loop. */
    private static float[] ggmlTq1(byte[] block) {
        int[] pow3 = {1, 3, 9, 27, 81, 243};
        float d = Float.float16ToFloat((short) ((block[52] & 0xff) | (block[53] & 0xff) << 8));
        float[] y = new float[256];
        int k = 0;
        for (int j = 0; j < 32; j += 32) {
            for (int n = 0; n < 5; n++) {
                for (int m = 0; m < 32; m++) {
                    int q = ((block[j + m] & 0xff) * pow3[n]) & 0xff;
                    y[k++] = (float) (((q * 3) >> 8) - 1) * d;
                }
            }
        }
        for (int j = 32; j < 48; j += 16) {
            for (int n = 0; n < 5; n++) {
                for (int m = 0; m < 16; m++) {
                    int q = ((block[j + m] & 0xff) * pow3[n]) & 0xff;
                    y[k++] = (float) (((q * 3) >> 8) - 1) * d;
                }
            }
        }
        for (int n = 0; n < 4; n++) {
            for (int j = 0; j < 4; j++) {
                int q = ((block[48 + j] & 0xff) * pow3[n]) & 0xff;
                y[k++] = (float) (((q * 3) >> 8) - 1) * d;
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(TernaryFormat.class)
    void aBlockReadsBackAsGgmlDequantizesIt(TernaryFormat format) {
        for (long seed = 1; seed <= 20; seed++) {
            byte[] trits = randomTrits(seed, 256);
            float scale = 0.0123f * seed;
            byte[] block = new byte[format.blockBytes()];
            format.pack(trits, 0, scale, block, 0);
            float[] ggml = format == TernaryFormat.TQ2_0 ? ggmlTq2(block) : ggmlTq1(block);
            float d = Float.float16ToFloat(Float.floatToFloat16(scale));
            for (int i = 0; i < 256; i++) {
                assertThat(ggml[i]).as("%s weight %d", format, i).isEqualTo(trits[i] * d);
            }
            byte[] back = new byte[256];
            assertThat(format.unpack(block, 0, back, 0)).isEqualTo(d);
            assertThat(back).isEqualTo(trits);
        }
    }

    @Test
    void everyFiveTritsFitATq1ByteAndReadBack() {
        byte[] trits = new byte[256];
        for (int code = 0; code < 243; code++) {
            int c = code;
            for (int k = 4; k >= 0; k--) { // weights 0, 32, 64, 96, 128 share qs[0]
                trits[k * 32] = (byte) (c % 3 - 1);
                c /= 3;
            }
            byte[] block = new byte[TernaryFormat.TQ1_0.blockBytes()];
            TernaryFormat.TQ1_0.pack(trits, 0, 1f, block, 0);
            byte[] back = new byte[256];
            TernaryFormat.TQ1_0.unpack(block, 0, back, 0);
            assertThat(back).as("code %d", code).isEqualTo(trits);
        }
    }

    @Test
    void aHandPackedTq2Byte() {
        byte[] trits = new byte[256];
        trits[0] = -1;  // byte 0, bits 0-1: 0
        trits[32] = 0;  // byte 0, bits 2-3: 1
        trits[64] = 1;  // byte 0, bits 4-5: 2
        trits[96] = 1;  // byte 0, bits 6-7: 2
        byte[] block = new byte[66];
        TernaryFormat.TQ2_0.pack(trits, 0, 1f, block, 0);
        assertThat(block[0] & 0xff).isEqualTo(0b10_10_01_00);
        assertThat(block[1] & 0xff).isEqualTo(0b01_01_01_01); // all zeros are 1s
        assertThat(block[64] & 0xff | (block[65] & 0xff) << 8).isEqualTo(0x3c00); // 1.0 in half precision
    }

    @Test
    void sizesAreLlamaCppsBitsAWeight() {
        assertThat(TernaryFormat.TQ2_0.bitsPerWeight()).isEqualTo(2.0625);
        assertThat(TernaryFormat.TQ1_0.bitsPerWeight()).isEqualTo(1.6875);
    }

    @ParameterizedTest
    @EnumSource(TernaryFormat.class)
    void aPackedMatrixUnpacksToItsTritsAndHalfScales(TernaryFormat format) {
        int rows = 3;
        int cols = 512;
        byte[] trits = randomTrits(9, rows * cols);
        Arrays.fill(trits, cols, 2 * cols, (byte) 0); // an all-zero row
        TernaryMatrix m = new TernaryMatrix(rows, cols, trits, new float[]{0.5f, 1e-5f, 3.3333333f});
        PackedTernary packed = PackedTernary.of(m, format);
        assertThat(packed.data()).hasSize(rows * 2 * format.blockBytes());
        TernaryMatrix back = packed.unpack();
        assertThat(back.trits()).isEqualTo(trits);
        for (int r = 0; r < rows; r++) {
            assertThat(back.scale(r)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(m.scale(r))));
        }
        assertThatThrownBy(() -> PackedTernary.of(new TernaryMatrix(1, 255, new byte[255], new float[]{1}), format))
                .isInstanceOf(BadArgumentException.class).hasMessage(format + " packs rows of a multiple of 256 weights, got 255");
    }

    /** A row whose blocks differ in scale (llama.cpp's own quantizer writes a scale a block) is refused, naming it. */
    @ParameterizedTest
    @EnumSource(TernaryFormat.class)
    void aRowOfBlocksOfDifferentScalesIsRefused(TernaryFormat format) {
        byte[] data = new byte[2 * format.blockBytes()];
        byte[] trits = randomTrits(3, 256);
        format.pack(trits, 0, 1f, data, 0);
        format.pack(trits, 0, 2f, data, format.blockBytes());
        assertThatThrownBy(() -> new PackedTernary(format, 1, 512, data)).isInstanceOf(BadArgumentException.class)
                .hasMessageStartingWith("row 0 block 1 has scale 2.0, the row's first 1.0");
        assertThat(format.scale(data, format.blockBytes())).isEqualTo(2f);
    }
}
