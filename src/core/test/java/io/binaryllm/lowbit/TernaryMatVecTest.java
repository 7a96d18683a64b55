package io.binaryllm.lowbit;

import io.binaryllm.seed.SplitMix64;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TernaryMatVecTest {
    /** By hand: activations (1, -0.5, 0.25) -> absmax 1, scale 127, q = (127, -64, 32) (-63.5 -> -64, half to even). */
    @Test
    void int8ActivationsByHand() {
        byte[] q = new byte[3];
        float scale = Int8Activations.quantize(new float[]{1f, -0.5f, 0.25f}, 0, 3, q, 0);
        assertThat(scale).isEqualTo(127f);
        assertThat(q).containsExactly(127, -64, 32);
        assertThat(Int8Activations.quantize(new float[3], 0, 3, q, 0)).isEqualTo(127f / Int8Activations.MIN_ABSMAX);
        assertThat(q).containsExactly(0, 0, 0);
    }

    /** Sums by hand, then the rescale in its order: (float) sum / xScale, times the row's scale. */
    @Test
    void sumsAndTheRescaleByHand() {
        TernaryMatrix w = new TernaryMatrix(2, 3, new byte[]{1, -1, 0, -1, -1, 1}, new float[]{0.5f, 2f});
        byte[] q = {127, -64, 32};
        assertThat(TernaryMatVec.sums(w, q)).containsExactly(191, -31);
        assertThat(TernaryMatVec.matVec(w, q, 127f)).containsExactly((191f / 127f) * 0.5f, (-31f / 127f) * 2f);
    }

    /** Odd shapes, rows not a multiple of 256, extreme activations: within the quantizers' error of the float product. */
    @Test
    void theProductApproximatesTheFloatOne() {
        SplitMix64 rng = new SplitMix64(11);
        for (int cols : new int[]{1, 63, 64, 65, 255, 257, 1031}) {
            int rows = 7;
            float[] wf = new float[rows * cols];
            for (int i = 0; i < wf.length; i++) {
                wf[i] = (float) rng.nextGaussian();
            }
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) (rng.nextGaussian() * (i % 17 == 0 ? 100 : 1));
            }
            TernaryMatrix w = TernaryQuantizer.perRow(wf, rows, cols);
            byte[] q = new byte[cols];
            float xs = Int8Activations.quantize(x, 0, cols, q, 0);
            float[] y = TernaryMatVec.matVec(w, q, xs);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                for (int c = 0; c < cols; c++) {
                    exact += (double) w.trits()[r * cols + c] * w.scale(r) * (q[c] / (double) xs);
                }
                assertThat((double) y[r]).as("cols=%d row %d", cols, r).isCloseTo(exact, within(1e-5 * (1 + Math.abs(exact))));
            }
        }
    }

    /** A packed matrix's product: its sums are its trits', its rescale uses its half-precision row scales. */
    @Test
    void packedMatricesMultiplyAsTheirUnpackedForm() {
        SplitMix64 rng = new SplitMix64(13);
        float[] wf = new float[4 * 512];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) rng.nextGaussian();
        }
        float[] x = new float[512];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        byte[] q = new byte[512];
        float xs = Int8Activations.quantize(x, 0, 512, q, 0);
        TernaryMatrix m = TernaryQuantizer.perRow(wf, 4, 512);
        for (TernaryFormat format : TernaryFormat.values()) {
            PackedTernary packed = PackedTernary.of(m, format);
            assertThat(TernaryMatVec.sums(packed, q)).isEqualTo(TernaryMatVec.sums(m, q));
            assertThat(TernaryMatVec.matVec(packed, q, xs)).isEqualTo(TernaryMatVec.matVec(packed.unpack(), q, xs));
        }
    }
}
