package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.lowbit.BinaryMatVec;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.Int8Activations;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatVec;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.lowbit.TernaryQuantizer;
import io.binaryllm.search.EquivalenceSuite;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The low-bit kernels (the same source CUDA runs) against the reference's sums, on pocl in CI. */
class OpenClLowBitTest {
    @Test
    void theLowBitProductsEqualTheReference() {
        OpenClTests.runtime();
        try (OpenClBackend backend = new OpenClBackend()) {
            List<EquivalenceSuite.Check> checks = EquivalenceSuite.lowBit(backend, c -> { });
            assertThat(checks).hasSize(12 * 2 * 3 + 2 * 3);
            assertThat(checks.stream().filter(c -> !c.ok()).map(c -> c.what() + ": " + c.difference())).isEmpty();
            assertThat(backend.lowBitKernels().orElseThrow().splitsRows()).isFalse();
        }
    }

    /** A layer of a real decoder's size and a prompt of tokens: the same floats as the reference's kernels. */
    @Test
    void aLargeBatchedProductEqualsTheReference() {
        OpenClTests.runtime();
        SplittableRandom r = new SplittableRandom(3);
        int rows = 384;
        int cols = 512;
        int batch = 7;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        byte[] q = new byte[batch * cols];
        float[] xs = new float[batch];
        for (int b = 0; b < batch; b++) {
            xs[b] = Int8Activations.quantize(x, b * cols, cols, q, b * cols);
        }
        TernaryMatrix t = TernaryQuantizer.perRow(w, rows, cols);
        PackedTernary p = PackedTernary.of(t, TernaryFormat.TQ2_0);
        BinaryMatrix bin = BinaryMatrix.quantize(w, rows, cols, 128);
        try (OpenClBackend backend = new OpenClBackend()) {
            LowBitKernels gpu = backend.lowBitKernels().orElseThrow();
            LowBitKernels ref = LowBitKernels.scalar();
            assertThat(TernaryMatVec.matMul(gpu, t, q, xs)).isEqualTo(TernaryMatVec.matMul(ref, t, q, xs));
            assertThat(TernaryMatVec.matMul(gpu, p, q, xs)).isEqualTo(TernaryMatVec.matMul(ref, p, q, xs));
            assertThat(BinaryMatVec.matMul(gpu, bin, q, xs)).isEqualTo(BinaryMatVec.matMul(ref, bin, q, xs));
        }
    }
}
