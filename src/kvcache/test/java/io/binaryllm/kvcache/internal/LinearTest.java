package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.lowbit.LowBitKernels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinearTest {
    /**
     * A projection's work, which decides whether its rows are split over threads: its products for float weights, an
     * eighth of them for integer kernels, so a low-bit projection of the same shape splits only when eight times larger.
     */
    @Test
    void lowBitProjectionsCountAnEighthOfTheirProductsAsWork() {
        int rows = 192;
        int cols = 256;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5 - 2) * 0.25f;
        }
        LowBitKernels kernels = LowBitKernels.scalar();
        assertThat(new Linear.Float32(w, 0, rows, cols).work()).isEqualTo((long) rows * cols);
        for (BitLinearPlan.Kind kind : new BitLinearPlan.Kind[]{BitLinearPlan.Kind.TERNARY, BitLinearPlan.Kind.BINARY, BitLinearPlan.Kind.BINARY_SIGNS}) {
            Linear low = LowBitLayers.of(kind, w, 0, rows, cols, kernels);
            assertThat(low.kind()).isEqualTo(kind);
            assertThat(low.work()).as("%s", kind).isEqualTo((long) rows * cols / Linear.INTEGER_PRODUCTS_A_FLOAT_ONE);
        }
    }
}
