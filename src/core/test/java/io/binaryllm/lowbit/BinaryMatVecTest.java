package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;
import io.binaryllm.seed.SplitMix64;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BinaryMatVecTest {
    /** By hand: w = (0.5, -1, 0, 2 | 1, 1, -3, 0) in groups of 2: bits 1,0,0,1 | 1,1,0,0; scales 0.75, 1 | 1, 1.5. */
    @Test
    void quantizedByHand() {
        BinaryMatrix m = BinaryMatrix.quantize(new float[]{0.5f, -1f, 0f, 2f, 1f, 1f, -3f, 0f}, 2, 4, 2);
        assertThat(m.words()).containsExactly(0b1001L, 0b0011L);
        assertThat(m.scales()).containsExactly(0.75f, 1f, 1f, 1.5f);
        assertThat(m.sign(0, 2)).as("0.0 gives -1, as the sign binarizer").isEqualTo(-1);
        byte[] q = {10, 20, -30, 40};
        assertThat(BinaryMatVec.sums(m, q)).containsExactly(10 - 20, 30 + 40, 10 + 20, 30 - 40);
        assertThat(BinaryMatVec.matVec(m, q, 2f)).containsExactly(((float) -10 * 0.75f + (float) 70 * 1f) / 2f,
                ((float) 30 * 1f + (float) -10 * 1.5f) / 2f);
    }

    @Test
    void groupsOf128CostOneAndAnEighthBitsAWeight() {
        assertThat(BinaryMatrix.quantize(new float[256], 1, 256, 128).bitsPerWeight()).isEqualTo(1.125);
        assertThatThrownBy(() -> BinaryMatrix.quantize(new float[100], 1, 100, 128)).isInstanceOf(BadArgumentException.class)
                .hasMessage("groups of 128 do not divide rows of 100 weights");
    }

    /** Word boundaries and a group per row: the product within float rounding of the exact one. */
    @Test
    void theProductApproximatesTheExactOne() {
        SplitMix64 rng = new SplitMix64(3);
        for (int cols : new int[]{63, 64, 65, 128, 129, 384}) {
            for (int group : new int[]{cols, cols % 128 == 0 ? 128 : cols}) {
                float[] w = new float[5 * cols];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) rng.nextGaussian();
                }
                BinaryMatrix m = BinaryMatrix.quantize(w, 5, cols, group);
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) {
                    x[i] = (float) rng.nextGaussian();
                }
                byte[] q = new byte[cols];
                float xs = Int8Activations.quantize(x, 0, cols, q, 0);
                float[] y = BinaryMatVec.matVec(m, q, xs);
                for (int r = 0; r < 5; r++) {
                    double exact = 0;
                    for (int c = 0; c < cols; c++) {
                        exact += (double) m.sign(r, c) * m.scale(r, c) * q[c] / xs;
                    }
                    assertThat((double) y[r]).as("cols %d group %d row %d", cols, group, r).isCloseTo(exact, within(1e-5 * (1 + Math.abs(exact))));
                }
            }
        }
    }
}
