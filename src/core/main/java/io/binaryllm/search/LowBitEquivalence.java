package io.binaryllm.search;

import io.binaryllm.lowbit.BinaryMatVec;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatVec;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.seed.SplitMix64;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The low-bit part of the {@link EquivalenceSuite}: a backend's {@link LowBitKernels} against the reference's, the
 * products' floats compared bit for bit (equal floats need equal int sums). Row lengths at and around the word and
 * register widths and primes, rows not a multiple of 256, TQ2_0 blocks, batches of 1 and 5 tokens, an all-zero row,
 * activations at -128 and 127, scales from 1e-5 to 1e4, binary groups inside and across words, sign activations.
 */
final class LowBitEquivalence {
    private static final int[] COLS = {1, 7, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1031};
    private static final int ROWS = 19;

    private LowBitEquivalence() {
    }

    static void run(String name, LowBitKernels backend, LowBitKernels reference, List<EquivalenceSuite.Check> out,
                    Consumer<EquivalenceSuite.Check> progress) {
        SplitMix64 rng = new SplitMix64(0x10B17);
        for (int cols : COLS) {
            for (int batch : new int[]{1, 5}) {
                String at = "low-bit cols=" + cols + " batch=" + batch;
                TernaryMatrix t = ternary(rng, cols);
                byte[] q = activations(rng, batch * cols);
                float[] xs = scales(rng, batch);
                check(name, at + " ternary", TernaryMatVec.matMul(reference, t, q, xs), TernaryMatVec.matMul(backend, t, q, xs), out, progress);
                if (cols % 256 == 0) {
                    PackedTernary p = PackedTernary.of(t, TernaryFormat.TQ2_0);
                    check(name, at + " TQ2_0", TernaryMatVec.matMul(reference, p, q, xs), TernaryMatVec.matMul(backend, p, q, xs), out, progress);
                }
                for (int group : cols % 128 == 0 && cols > 128 ? new int[]{cols, 128} : new int[]{cols}) {
                    BinaryMatrix b = binary(rng, cols, group);
                    long[] x = signs(rng, batch, cols);
                    check(name, at + " binary group=" + group, BinaryMatVec.matMul(reference, b, q, xs), BinaryMatVec.matMul(backend, b, q, xs),
                            out, progress);
                    check(name, at + " xnor group=" + group, BinaryMatVec.signMatMul(reference, b, x, xs),
                            BinaryMatVec.signMatMul(backend, b, x, xs), out, progress);
                }
            }
        }
    }

    private static void check(String name, String what, float[] expected, float[] actual, List<EquivalenceSuite.Check> out,
                              Consumer<EquivalenceSuite.Check> progress) {
        String difference = null;
        for (int i = 0; i < expected.length && difference == null; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                difference = "output " + i + ": " + actual[i] + ", reference " + expected[i];
            }
        }
        if (difference == null && actual.length != expected.length) {
            difference = actual.length + " outputs, reference " + expected.length;
        }
        EquivalenceSuite.Check c = new EquivalenceSuite.Check(name, what, difference);
        out.add(c);
        progress.accept(c);
    }

    /** Random trits, row 0 all zero and row 1 all -1; per-row scales from 1e-5 up to 1e4. */
    private static TernaryMatrix ternary(SplitMix64 rng, int cols) {
        byte[] trits = new byte[ROWS * cols];
        for (int i = cols; i < trits.length; i++) {
            trits[i] = (byte) (i < 2 * cols ? -1 : rng.nextLong(3) - 1);
        }
        float[] scales = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            scales[r] = r == 0 ? 1e-5f : r == 1 ? 1e4f : (float) (0.01 + rng.nextDouble());
        }
        return new TernaryMatrix(ROWS, cols, trits, scales);
    }

    /** Random int8 activations with -128 and 127 among them. */
    private static byte[] activations(SplitMix64 rng, int n) {
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = (byte) (i % 5 == 0 ? -128 : i % 7 == 0 ? 127 : rng.nextLong(256) - 128);
        }
        return q;
    }

    private static float[] scales(SplitMix64 rng, int batch) {
        float[] s = new float[batch];
        for (int b = 0; b < batch; b++) {
            s[b] = (float) (1 + rng.nextDouble() * 100);
        }
        return s;
    }

    private static BinaryMatrix binary(SplitMix64 rng, int cols, int group) {
        int words = (cols + 63) / 64;
        long[] w = signs(rng, ROWS, cols);
        float[] scales = new float[ROWS * (cols / group)];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = Float.float16ToFloat(Float.floatToFloat16((float) (0.001 + rng.nextDouble())));
        }
        Arrays.fill(w, 0, words, 0L); // row 0: every weight -1
        return new BinaryMatrix(ROWS, cols, group, w, scales);
    }

    /** {@code rows} rows of {@code cols} random sign bits, padding bits zero. */
    private static long[] signs(SplitMix64 rng, int rows, int cols) {
        int words = (cols + 63) / 64;
        long[] x = new long[rows * words];
        for (int r = 0; r < rows; r++) {
            for (int w = 0; w < words; w++) {
                int valid = Math.min(64, cols - w * 64);
                x[r * words + w] = rng.nextLong() & (valid == 64 ? -1L : (1L << valid) - 1);
            }
        }
        return x;
    }
}
