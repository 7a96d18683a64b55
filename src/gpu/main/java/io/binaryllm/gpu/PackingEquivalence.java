package io.binaryllm.gpu;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.EquivalenceSuite;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The packing half of the equivalence suite: a GPU backend's sign and hyperplane codes against the CPU binarizers,
 * word for word, on word-boundary dimensions and bit counts and on values chosen to catch a device that rounds or
 * flushes differently: exact zeros, negative zeros, denormals (rows made only of them, whose projections a
 * flush-to-zero device would turn into zeros), huge magnitudes and an all-zero row. Fixed SplitMix64 data.
 */
public final class PackingEquivalence {
    private static final int[] DIMS = {1, 7, 63, 64, 65, 130, 257, 384};
    private static final int[] ROWS = {1, 65, 300};
    private static final int[] HYPERPLANE_BITS = {1, 63, 64, 65, 257};

    private PackingEquivalence() {
    }

    public static List<EquivalenceSuite.Check> run(GpuBackend backend, Consumer<EquivalenceSuite.Check> progress) {
        List<EquivalenceSuite.Check> out = new ArrayList<>();
        SplitMix64 rng = new SplitMix64(0xB1A5);
        for (int dims : DIMS) {
            for (int rows : ROWS) {
                try (FloatEmbeddingBatch x = values(rng, rows, dims)) {
                    check(backend, Binarizers.create("sign", null, new Seeds(1)), x, out, progress);
                    for (int bits : HYPERPLANE_BITS) {
                        check(backend, Binarizers.create("hyperplane", bits, new Seeds(dims * 31L + bits)), x, out, progress);
                    }
                }
            }
        }
        return out;
    }

    private static void check(GpuBackend backend, Binarizer binarizer, FloatEmbeddingBatch x, List<EquivalenceSuite.Check> out,
                              Consumer<EquivalenceSuite.Check> progress) {
        String what = "pack " + binarizer.name() + " rows=" + x.rows() + " dims=" + x.dims() + " bits=" + binarizer.bits(x.dims());
        try (Binarized cpu = binarizer.binarize(x); BinaryCodeBatch gpu = backend.pack(binarizer, x)) {
            EquivalenceSuite.Check c = new EquivalenceSuite.Check(backend.name(), what, firstDifference(cpu.codes(), gpu));
            out.add(c);
            progress.accept(c);
        }
    }

    static String firstDifference(BinaryCodeBatch expected, BinaryCodeBatch actual) {
        if (expected.rows() != actual.rows() || expected.bits() != actual.bits()) {
            return "shape " + actual.rows() + " x " + actual.bits() + " bits, expected " + expected.rows() + " x " + expected.bits();
        }
        for (long r = 0; r < expected.rows(); r++) {
            for (int w = 0; w < expected.words(); w++) {
                if (expected.word(r, w) != actual.word(r, w)) {
                    return "row " + r + " word " + w + ": " + Long.toHexString(actual.word(r, w)) + ", expected "
                            + Long.toHexString(expected.word(r, w));
                }
            }
        }
        return null;
    }

    /** Gaussian values of varied magnitude with the hard cases mixed in; row 1 all denormal, the last row all zero. */
    static FloatEmbeddingBatch values(SplitMix64 rng, int rows, int dims) {
        FloatEmbeddingBatch x = FloatEmbeddingBatch.allocate(rows, dims, "packing suite");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dims; j++) {
                float v;
                long kind = rng.nextLong(20);
                if (r == rows - 1 && rows > 1) {
                    v = 0f;
                } else if (r == 1 || kind == 0) {
                    v = Float.MIN_VALUE * (1 + rng.nextLong(1 << 20)) * (rng.nextLong(2) == 0 ? 1 : -1); // denormal
                } else if (kind == 1) {
                    v = 0f;
                } else if (kind == 2) {
                    v = -0f;
                } else if (kind == 3) {
                    v = (float) (rng.nextGaussian() * 1e30);
                } else {
                    v = (float) (rng.nextGaussian() * Math.pow(10, rng.nextLong(13) - 6));
                }
                x.set(r, j, v);
            }
        }
        return x;
    }
}
