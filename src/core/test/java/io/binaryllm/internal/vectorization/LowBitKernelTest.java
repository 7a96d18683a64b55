package io.binaryllm.internal.vectorization;

import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.testing.Backends;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every low-bit kernel (scalar Java, the Vector API, each C variant this CPU runs) against the definitions written out
 * here as plain loops: the same ints for every row length around the register widths (1 to 300, odd and prime ones
 * included), batches of several tokens, row ranges, the extreme activations -128 and 127, rows long enough to
 * overflow a careless accumulator, and binary groups that start and end inside words.
 */
class LowBitKernelTest {
    private static final VectorizationProvider SCALAR = VectorizationProvider.at(VectorizationProvider.Level.SCALAR);

    /** Scalar, Vector API, and every C variant; the native library must load in CI, elsewhere its absence skips. */
    private static List<LowBitKernel> kernels() {
        List<LowBitKernel> out = new ArrayList<>(List.of(SCALAR.lowBitKernel(), VectorizationProviderTest.vector().lowBitKernel()));
        VectorizationProvider nativeLevel = VectorizationProvider.at(VectorizationProvider.Level.NATIVE);
        if (Backends.inCi()) {
            assertThat(nativeLevel.nativeProblem()).as("CI builds the native library with gcc").isNull();
        }
        assumeTrue(nativeLevel.nativeLowBitVariants() > 0, () -> "native: " + nativeLevel.nativeProblem());
        for (int v = 0; v < nativeLevel.nativeLowBitVariants(); v++) {
            out.add(nativeLevel.nativeLowBitKernel(v).orElseThrow());
        }
        return out;
    }

    private static byte[] trits(SplittableRandom r, int n) {
        byte[] t = new byte[n];
        for (int i = 0; i < n; i++) {
            t[i] = (byte) (r.nextInt(3) - 1);
        }
        return t;
    }

    private static byte[] activations(SplittableRandom r, int n) {
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = (byte) (i % 7 == 0 ? -128 : i % 11 == 0 ? 127 : r.nextInt(256) - 128);
        }
        return q;
    }

    private static int[] ternaryDefinition(byte[] trits, int rows, int cols, byte[] q, int batch) {
        int[] out = new int[batch * rows];
        for (int b = 0; b < batch; b++) {
            for (int row = 0; row < rows; row++) {
                for (int c = 0; c < cols; c++) {
                    out[b * rows + row] += trits[row * cols + c] * q[b * cols + c];
                }
            }
        }
        return out;
    }

    @Test
    void ternarySumsEqualTheDefinitionOnEveryLengthAndBatch() {
        List<LowBitKernel> kernels = kernels();
        SplittableRandom r = new SplittableRandom(17);
        for (int cols = 1; cols <= 300; cols += cols < 140 ? 1 : 37) {
            int rows = 3 + cols % 7; // 3 to 9: none, one or two groups of four rows, and rows left over
            int batch = 1 + cols % 3;
            byte[] trits = trits(r, rows * cols);
            byte[] q = activations(r, batch * cols);
            int[] expected = ternaryDefinition(trits, rows, cols, q, batch);
            for (LowBitKernel kernel : kernels) {
                int[] out = new int[batch * rows];
                kernel.ternarySums(trits, rows, cols, 0, rows, q, batch, out);
                assertThat(out).as("%s cols=%d batch=%d", kernel.describe(), cols, batch).isEqualTo(expected);
            }
        }
    }

    @Test
    void aRowRangeFillsOnlyItsRows() {
        SplittableRandom r = new SplittableRandom(5);
        int rows = 11;
        int cols = 257;
        byte[] trits = trits(r, rows * cols);
        byte[] q = activations(r, 2 * cols);
        int[] expected = ternaryDefinition(trits, rows, cols, q, 2);
        for (LowBitKernel kernel : kernels()) {
            int[] out = new int[2 * rows];
            Arrays.fill(out, 12345);
            kernel.ternarySums(trits, rows, cols, 2, 9, q, 2, out); // a group of four rows and three left over
            for (int b = 0; b < 2; b++) {
                for (int row = 0; row < rows; row++) {
                    assertThat(out[b * rows + row]).as("%s token %d row %d", kernel.describe(), b, row)
                            .isEqualTo(row >= 2 && row < 9 ? expected[b * rows + row] : 12345);
                }
            }
        }
    }

    /** TQ2_0 blocks read as they lie give the sums of their trits, at every level; long rows and extremes included. */
    @Test
    void packedTq2SumsEqualTheUnpackedOnes() {
        List<LowBitKernel> kernels = kernels();
        SplittableRandom r = new SplittableRandom(23);
        for (int cols : new int[]{256, 512, 768, 256 * 40}) {
            int rows = 3;
            int batch = cols == 512 ? 3 : 1;
            byte[] trits = trits(r, rows * cols);
            if (cols > 768) {
                Arrays.fill(trits, 0, cols, (byte) -1); // the long rows' first all -1, against all -128
            }
            byte[] q = cols > 768 ? new byte[cols] : activations(r, batch * cols);
            if (cols > 768) {
                Arrays.fill(q, (byte) -128);
            }
            PackedTernary packed = PackedTernary.of(new TernaryMatrix(rows, cols, trits, new float[]{0.5f}), TernaryFormat.TQ2_0);
            int[] expected = ternaryDefinition(trits, rows, cols, q, batch);
            for (LowBitKernel kernel : kernels) {
                int[] out = new int[batch * rows];
                kernel.tq2Sums(packed.data(), rows, cols, 0, rows, q, batch, out);
                assertThat(out).as("%s cols=%d", kernel.describe(), cols).isEqualTo(expected);
            }
        }
    }

    /** A row long enough for any narrow accumulator to flush, every product at its largest (-1 x -128): no overflow. */
    @Test
    void ternarySumsOfLongRowsAtTheExtremesDoNotOverflow() {
        int cols = 255 * 64 * 2 + 70;
        byte[] trits = new byte[cols];
        byte[] q = new byte[cols];
        Arrays.fill(trits, (byte) -1);
        Arrays.fill(q, (byte) -128);
        for (LowBitKernel kernel : kernels()) {
            int[] out = new int[1];
            kernel.ternarySums(trits, 1, cols, 0, 1, q, 1, out);
            assertThat(out[0]).as(kernel.describe()).isEqualTo(128 * cols);
        }
    }

    /** Binary weights against int8 and against sign bits, groups inside and across words, equal the definitions. */
    @Test
    void binaryAndSignSumsEqualTheDefinitions() {
        SplittableRandom r = new SplittableRandom(41);
        for (int[] shape : new int[][]{{63, 63}, {64, 64}, {65, 65}, {192, 96}, {192, 64}, {256, 128}, {131, 131}, {390, 130}}) {
            int cols = shape[0];
            int group = shape[1];
            int rows = 5;
            int batch = 2;
            int rowWords = (cols + 63) / 64;
            long[] words = new long[rows * rowWords];
            long[] x = new long[batch * rowWords];
            for (int row = 0; row < rows; row++) {
                for (int c = 0; c < cols; c++) {
                    words[row * rowWords + c / 64] |= (long) r.nextInt(2) << (c % 64);
                }
            }
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < cols; c++) {
                    x[b * rowWords + c / 64] |= (long) r.nextInt(2) << (c % 64);
                }
            }
            byte[] q = activations(r, batch * cols);
            int groups = cols / group;
            int[] int8 = new int[batch * rows * groups];
            int[] signs = new int[batch * rows * groups];
            for (int b = 0; b < batch; b++) {
                for (int row = 0; row < rows; row++) {
                    for (int c = 0; c < cols; c++) {
                        int w = (int) (words[row * rowWords + c / 64] >>> (c % 64) & 1) * 2 - 1;
                        int s = (int) (x[b * rowWords + c / 64] >>> (c % 64) & 1) * 2 - 1;
                        int8[(b * rows + row) * groups + c / group] += w * q[b * cols + c];
                        signs[(b * rows + row) * groups + c / group] += w * s;
                    }
                }
            }
            for (LowBitKernel kernel : kernels()) {
                int[] out = new int[int8.length];
                kernel.binarySums(words, rows, cols, group, 0, rows, q, batch, out);
                assertThat(out).as("%s int8 cols=%d group=%d", kernel.describe(), cols, group).isEqualTo(int8);
                kernel.signSums(words, rows, cols, group, 0, rows, x, batch, out);
                assertThat(out).as("%s signs cols=%d group=%d", kernel.describe(), cols, group).isEqualTo(signs);
            }
        }
    }
}
