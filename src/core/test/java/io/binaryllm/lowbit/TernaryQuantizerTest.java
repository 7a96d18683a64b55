package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;
import io.binaryllm.seed.SplitMix64;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TernaryQuantizerTest {
    /** By hand: mean |w| = (0.5 + 1.5 + 0.2 + 0) / 4 = 0.55; w / 0.55 = 0.91, -2.73, 0.36, 0 -> 1, -1, 0, 0. */
    @Test
    void absmeanByHand() {
        TernaryMatrix m = TernaryQuantizer.perTensor(new float[]{0.5f, -1.5f, 0.2f, 0f}, 1, 4);
        assertThat(m.scale(0)).isEqualTo((float) (2.2 / 4));
        assertThat(m.trits()).containsExactly(1, -1, 0, 0);
    }

    /** Halves round to even, as PyTorch's round: 0.5 -> 0, 1.5 -> 2 -> +1, -0.5 -> 0. */
    @Test
    void tiesRoundHalfToEven() {
        assertThat(TernaryQuantizer.trit(0.5f, 1f)).isZero();
        assertThat(TernaryQuantizer.trit(-0.5f, 1f)).isZero();
        assertThat(TernaryQuantizer.trit(1.5f, 1f)).isEqualTo((byte) 1);
        assertThat(TernaryQuantizer.trit(-2.5f, 1f)).isEqualTo((byte) -1);
        assertThat(TernaryQuantizer.trit(0.50000006f, 1f)).isEqualTo((byte) 1);
    }

    @Test
    void perRowScalesEachRowAndZeroRowsKeepTheFloor() {
        TernaryMatrix m = TernaryQuantizer.perRow(new float[]{1, -1, 2, 2, 0, 0}, 3, 2);
        assertThat(m.scales()).containsExactly(1f, 2f, TernaryQuantizer.MIN_SCALE);
        assertThat(m.trits()).containsExactly(1, -1, 1, 1, 0, 0);
    }

    @Test
    void theScaleIsTheDoubleMeanRoundedOnce() {
        SplitMix64 rng = new SplitMix64(4);
        float[] w = new float[1031];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
            sum += Math.abs(w[i]);
        }
        assertThat(TernaryQuantizer.perTensor(w, 1, w.length).scale(0)).isEqualTo((float) (sum / w.length));
    }

    @Test
    void badWeightsAreRefusedNamingThem() {
        assertThatThrownBy(() -> TernaryQuantizer.perTensor(new float[]{1, Float.NaN}, 1, 2))
                .isInstanceOf(BadArgumentException.class).hasMessage("weight 1 is NaN");
        assertThatThrownBy(() -> TernaryQuantizer.perRow(new float[3], 2, 2))
                .isInstanceOf(BadArgumentException.class).hasMessage("2 x 2 weights need 4 floats, got 3");
        assertThatThrownBy(() -> new TernaryMatrix(1, 2, new byte[]{0, 2}, new float[]{1}))
                .isInstanceOf(BadArgumentException.class).hasMessage("trit 1 is 2, not -1, 0 or +1");
    }
}
