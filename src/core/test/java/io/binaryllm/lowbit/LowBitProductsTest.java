package io.binaryllm.lowbit;

import io.binaryllm.BadArgumentException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batched products (a prompt's tokens at once) through every set of kernels this JVM has: the same bits as one
 * token at a time through the specification's kernels, for matrices large enough to be split across threads too;
 * sign activations and their XNOR product by hand; and the refusals, naming the argument.
 */
class LowBitProductsTest {
    private static List<LowBitKernels> allKernels() {
        List<LowBitKernels> out = new ArrayList<>(List.of(LowBitKernels.scalar(), LowBitKernels.java()));
        LowBitKernels.nativeC().ifPresent(out::add);
        return out;
    }

    private static float[] gaussians(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.3);
        }
        return x;
    }

    /** Quantizes {@code batch} tokens of {@code cols}: the int8 rows and their scales. */
    private static float[] quantize(float[] x, int batch, int cols, byte[] q) {
        float[] scales = new float[batch];
        for (int b = 0; b < batch; b++) {
            scales[b] = Int8Activations.quantize(x, b * cols, cols, q, b * cols);
        }
        return scales;
    }

    @Test
    void aBatchIsItsTokensOneByOneOnEveryKernelAndSplit() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] shape : new int[][]{{5, 63, 3}, {17, 256, 4}, {640, 512, 2}, {300, 193, 5}}) {
            int rows = shape[0];
            int cols = shape[1];
            int batch = shape[2];
            TernaryMatrix w = TernaryQuantizer.perRow(gaussians(r, rows * cols), rows, cols);
            byte[] q = new byte[batch * cols];
            float[] xs = quantize(gaussians(r, batch * cols), batch, cols, q);
            float[] expected = new float[batch * rows];
            for (int b = 0; b < batch; b++) {
                byte[] token = Arrays.copyOfRange(q, b * cols, (b + 1) * cols);
                System.arraycopy(TernaryMatVec.matMul(LowBitKernels.scalar(), w, token, new float[]{xs[b]}), 0, expected, b * rows, rows);
            }
            BinaryMatrix bin = BinaryMatrix.quantize(gaussians(r, rows * cols), rows, cols, cols);
            float[] binExpected = new float[batch * rows];
            for (int b = 0; b < batch; b++) {
                byte[] token = Arrays.copyOfRange(q, b * cols, (b + 1) * cols);
                System.arraycopy(BinaryMatVec.matMul(LowBitKernels.scalar(), bin, token, new float[]{xs[b]}), 0, binExpected, b * rows, rows);
            }
            for (LowBitKernels k : allKernels()) {
                assertThat(TernaryMatVec.matMul(k, w, q, xs)).as("%s %s", k.describe(), Arrays.toString(shape)).isEqualTo(expected);
                assertThat(BinaryMatVec.matMul(k, bin, q, xs)).as("%s binary", k.describe()).isEqualTo(binExpected);
                if (cols % 256 == 0) {
                    PackedTernary packed = PackedTernary.of(w, TernaryFormat.TQ2_0);
                    assertThat(TernaryMatVec.matMul(k, packed, q, xs)).as("%s TQ2_0", k.describe())
                            .isEqualTo(TernaryMatVec.matMul(LowBitKernels.scalar(), packed.unpack(), q, xs));
                }
            }
        }
    }

    /** A decoder's row ranges (one token, rows split at odd places, one scratch shared) are the whole product's bits. */
    @Test
    void rowRangesAreTheWholeProductOnEveryKernel() {
        SplittableRandom r = new SplittableRandom(4);
        for (int[] shape : new int[][]{{5, 63, 63}, {17, 256, 64}, {70, 512, 128}, {33, 193, 193}}) {
            int rows = shape[0];
            int cols = shape[1];
            TernaryMatrix w = TernaryQuantizer.perTensor(gaussians(r, rows * cols), rows, cols);
            BinaryMatrix bin = BinaryMatrix.quantize(gaussians(r, rows * cols), rows, cols, shape[2]);
            float[] x = gaussians(r, cols);
            byte[] q = new byte[cols];
            float xs = Int8Activations.quantize(x, 0, cols, q, 0);
            long[] bits = new long[(cols + 63) / 64];
            float bs = SignActivations.quantize(x, 0, cols, bits, 0);
            for (LowBitKernels k : allKernels()) {
                float[] y = new float[rows + 3];
                float[] yb = new float[rows + 3];
                float[] ys = new float[rows + 3];
                int[] sums = new int[rows * (cols / shape[2])];
                for (int from = 0, step = 1; from < rows; from += step, step += 2) { // ranges of 1, 3, 5, ... rows
                    int to = Math.min(rows, from + step);
                    TernaryMatVec.rows(k, w, q, xs, from, to, sums, y, 3);
                    BinaryMatVec.rows(k, bin, q, xs, from, to, sums, yb, 3);
                    BinaryMatVec.signRows(k, bin, bits, bs, from, to, sums, ys, 3);
                }
                assertThat(Arrays.copyOfRange(y, 3, rows + 3)).as(k.describe()).isEqualTo(TernaryMatVec.matMul(k, w, q, new float[]{xs}));
                assertThat(Arrays.copyOfRange(yb, 3, rows + 3)).isEqualTo(BinaryMatVec.matMul(k, bin, q, new float[]{xs}));
                assertThat(Arrays.copyOfRange(ys, 3, rows + 3)).isEqualTo(BinaryMatVec.signMatMul(k, bin, bits, new float[]{bs}));
                if (cols % 256 == 0) {
                    PackedTernary packed = PackedTernary.of(w, TernaryFormat.TQ2_0);
                    float[] yp = new float[rows];
                    TernaryMatVec.rows(k, packed, q, xs, 0, rows / 2, sums, yp, 0);
                    TernaryMatVec.rows(k, packed, q, xs, rows / 2, rows, sums, yp, 0);
                    assertThat(yp).isEqualTo(TernaryMatVec.matMul(k, packed, q, new float[]{xs}));
                }
            }
            assertThatThrownBy(() -> TernaryMatVec.rows(LowBitKernels.scalar(), w, q, xs, 0, rows + 1, new int[rows], new float[rows], 0))
                    .isInstanceOf(BadArgumentException.class).hasMessageContaining("rows [0, " + (rows + 1) + ")");
            assertThatThrownBy(() -> BinaryMatVec.rows(LowBitKernels.scalar(), bin, q, xs, 0, 1, new int[0], new float[rows], 0))
                    .isInstanceOf(BadArgumentException.class).hasMessageContaining("sums 0 ints");
        }
    }

    @Test
    void signActivationsAndTheXnorProductByHand() {
        float[] x = {0.5f, -1.5f, 0f, 2f};
        long[] bits = new long[1];
        float scale = SignActivations.quantize(x, 0, 4, bits, 0);
        assertThat(bits[0]).isEqualTo(0b1001L);
        assertThat(scale).isEqualTo(1f);
        // weights: row 0 signs + - - + (bits 1001), row 1 + + + + ; one group a row, scales 0.5 and 0.25
        BinaryMatrix w = new BinaryMatrix(2, 4, 4, new long[]{0b1001L, 0b1111L}, new float[]{0.5f, 0.25f});
        assertThat(BinaryMatVec.signSums(LowBitKernels.scalar(), w, bits, 1)).containsExactly(4, 0);
        assertThat(BinaryMatVec.signMatMul(LowBitKernels.java(), w, bits, new float[]{scale})).containsExactly(2f, 0f);
    }

    @Test
    void xnorSumsAgreeOnEveryKernel() {
        SplittableRandom r = new SplittableRandom(11);
        int rows = 37;
        int cols = 384;
        BinaryMatrix w = BinaryMatrix.quantize(gaussians(r, rows * cols), rows, cols, 128);
        long[] x = new long[3 * w.rowWords()];
        float[] xs = new float[3];
        float[] acts = gaussians(r, 3 * cols);
        for (int b = 0; b < 3; b++) {
            xs[b] = SignActivations.quantize(acts, b * cols, cols, x, b * w.rowWords());
        }
        float[] expected = BinaryMatVec.signMatMul(LowBitKernels.scalar(), w, x, xs);
        for (LowBitKernels k : allKernels()) {
            assertThat(BinaryMatVec.signMatMul(k, w, x, xs)).as(k.describe()).isEqualTo(expected);
        }
    }

    @Test
    void badArgumentsAreRefusedByName() {
        TernaryMatrix w = new TernaryMatrix(2, 3, new byte[6], new float[]{1f});
        assertThatThrownBy(() -> TernaryMatVec.sums(LowBitKernels.scalar(), w, new byte[6], 0))
                .isInstanceOf(BadArgumentException.class).hasMessageStartingWith("batch must be at least 1");
        assertThatThrownBy(() -> TernaryMatVec.matMul(LowBitKernels.scalar(), w, new byte[5], new float[]{1f, 1f}))
                .isInstanceOf(BadArgumentException.class).hasMessageStartingWith("q: ").hasMessageContaining("6 values, got 5");
        BinaryMatrix b = new BinaryMatrix(1, 3, 3, new long[1], new float[]{1f});
        assertThatThrownBy(() -> BinaryMatVec.signSums(LowBitKernels.scalar(), b, new long[]{0b1000L}, 1))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("bits set past its 3 signs");
        assertThatThrownBy(() -> BinaryMatVec.signSums(LowBitKernels.scalar(), b, new long[2], 1))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("need 1 words, got 2");
    }
}
