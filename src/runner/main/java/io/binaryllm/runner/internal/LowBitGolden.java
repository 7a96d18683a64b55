package io.binaryllm.runner.internal;

import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.lowbit.BinaryMatVec;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.Int8Activations;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.SignActivations;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatVec;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.lowbit.TernaryQuantizer;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The low-bit part of the golden set ({@code golden/lowbit/<shape>/}): float weights and activations from the golden
 * seed, what each quantizer makes of them (ternary trits and scales per row and per tensor, TQ2_0 and TQ1_0 blocks,
 * binary words and scales per row and per group of 128, int8 and sign activations) and every product's floats.
 * Shapes are odd and prime widths, one below a word, rows not a multiple of 256, and multiples of 256 for the blocks;
 * row 0 is all zeros, row 1 alternates 1 and -3 (its absmean 2 puts every weight on a rounding tie), token 0's
 * activations are halves up to 127 (ties again). Products are recomputed on every backend that has low-bit kernels.
 */
public final class LowBitGolden {
    /** rows, cols, tokens. */
    private static final int[][] SHAPES = {{5, 63, 1}, {4, 131, 2}, {6, 256, 3}, {3, 768, 2}};

    private LowBitGolden() {
    }

    /** One shape's folder name. */
    static String name(int[] shape) {
        return "r" + shape[0] + "c" + shape[1] + "t" + shape[2];
    }

    /** The shapes' folder names, under {@code lowbit/}. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            out.add(name(s));
        }
        return out;
    }

    /** Writes every shape's files under {@code dir/lowbit}. */
    public static void write(Path dir) throws IOException {
        for (int[] shape : SHAPES) {
            Path d = dir.resolve("lowbit").resolve(name(shape));
            Files.createDirectories(d);
            Inputs in = inputs(shape);
            Npy.write(d.resolve("weights.npy"), false, NpyDtype.F4, Npy.le(in.weights), shape[0], shape[1]);
            Npy.write(d.resolve("activations.npy"), false, NpyDtype.F4, Npy.le(in.activations), shape[2], shape[1]);
            for (Map.Entry<String, Stored> e : derive(in).entrySet()) {
                Npy.write(d.resolve(e.getKey() + ".npy"), false, e.getValue().dtype, e.getValue().data, e.getValue().shape);
            }
            for (Map.Entry<String, float[]> e : products(LowBitKernels.scalar(), derived(d, in)).entrySet()) {
                Npy.write(d.resolve(e.getKey() + ".npy"), false, NpyDtype.F4, Npy.le(e.getValue()), shape[2], shape[0]);
            }
        }
    }

    /** What a check found: one comparison and, when it differs, how. */
    public record Finding(String what, String difference) {
    }

    /**
     * Regenerates the inputs from the seed, re-quantizes the stored inputs and recomputes every product of the stored
     * quantized values with each of {@code kernels} (named), comparing every byte with the files.
     */
    public static List<Finding> check(Path dir, Map<String, LowBitKernels> kernels) {
        List<Finding> out = new ArrayList<>();
        for (int[] shape : SHAPES) {
            String at = "lowbit/" + name(shape);
            Path d = dir.resolve("lowbit").resolve(name(shape));
            Inputs fresh = inputs(shape);
            Inputs stored = new Inputs(shape, Npy.readHeap(d.resolve("weights.npy")).floats(), Npy.readHeap(d.resolve("activations.npy")).floats());
            out.add(same(at + "/weights.npy (regenerated from the seed)", MemorySegment.ofArray(fresh.weights), MemorySegment.ofArray(stored.weights)));
            out.add(same(at + "/activations.npy (regenerated from the seed)", MemorySegment.ofArray(fresh.activations),
                    MemorySegment.ofArray(stored.activations)));
            for (Map.Entry<String, Stored> e : derive(stored).entrySet()) {
                out.add(same(at + "/" + e.getKey(), e.getValue().data, Npy.readHeap(d.resolve(e.getKey() + ".npy")).data()));
            }
            Derived derived = derived(d, stored);
            for (Map.Entry<String, LowBitKernels> k : kernels.entrySet()) {
                for (Map.Entry<String, float[]> e : products(k.getValue(), derived).entrySet()) {
                    out.add(same(at + "/" + e.getKey() + " on " + k.getKey(), MemorySegment.ofArray(e.getValue()),
                            Npy.readHeap(d.resolve(e.getKey() + ".npy")).data()));
                }
            }
        }
        return out;
    }

    private static Finding same(String what, MemorySegment actual, MemorySegment expected) {
        long at = actual.mismatch(expected);
        return new Finding(what, at < 0 ? null : "first differing byte at offset " + at + " (sizes " + actual.byteSize() + " and "
                + expected.byteSize() + ")");
    }

    // ------------------------------------------------------------------------------------------------ data

    private record Inputs(int[] shape, float[] weights, float[] activations) {
    }

    private record Stored(NpyDtype dtype, MemorySegment data, long... shape) {
    }

    /** Gaussian weights and activations, with the rows and tokens of ties and zeros described above. */
    private static Inputs inputs(int[] shape) {
        int rows = shape[0];
        int cols = shape[1];
        int tokens = shape[2];
        SplitMix64 rng = new Seeds(GoldenCase.MASTER_SEED).stream("golden/lowbit/" + name(shape));
        float[] w = new float[rows * cols];
        for (int i = cols; i < w.length; i++) {
            w[i] = i < 2 * cols ? (i % 2 == 0 ? 1f : -3f) : (float) (rng.nextGaussian() * 0.02);
        }
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = i < cols ? (i == 0 ? 127f : ((i * 37) % 255 - 127) * 0.5f) : (float) rng.nextGaussian();
        }
        return new Inputs(shape, w, x);
    }

    /** The quantized forms of {@code in}, by file stem. */
    private static Map<String, Stored> derive(Inputs in) {
        int rows = in.shape[0];
        int cols = in.shape[1];
        int tokens = in.shape[2];
        Map<String, Stored> out = new LinkedHashMap<>();
        for (TernaryMatrix t : List.of(TernaryQuantizer.perRow(in.weights, rows, cols), TernaryQuantizer.perTensor(in.weights, rows, cols))) {
            String stem = t.scales().length == rows ? "ternary-row" : "ternary-tensor";
            out.put(stem + ".trits", new Stored(NpyDtype.I1, Npy.le(t.trits()), rows, cols));
            out.put(stem + ".scales", new Stored(NpyDtype.F4, Npy.le(t.scales()), t.scales().length));
            if (cols % TernaryFormat.BLOCK == 0 && stem.equals("ternary-row")) {
                for (TernaryFormat f : TernaryFormat.values()) {
                    byte[] data = PackedTernary.of(t, f).data();
                    out.put(f.name().toLowerCase(Locale.ROOT), new Stored(NpyDtype.U1, Npy.le(data), rows, data.length / rows));
                }
            }
        }
        for (int group : groups(cols)) {
            BinaryMatrix b = BinaryMatrix.quantize(in.weights, rows, cols, group);
            String stem = group == cols ? "binary-row" : "binary-g" + group;
            out.put(stem + ".words", new Stored(NpyDtype.U8, Npy.le(b.words()), rows, b.rowWords()));
            out.put(stem + ".scales", new Stored(NpyDtype.F4, Npy.le(b.scales()), rows, cols / group));
        }
        byte[] q = new byte[tokens * cols];
        float[] qs = new float[tokens];
        int words = (cols + 63) / 64;
        long[] bits = new long[tokens * words];
        float[] bs = new float[tokens];
        for (int b = 0; b < tokens; b++) {
            qs[b] = Int8Activations.quantize(in.activations, b * cols, cols, q, b * cols);
            bs[b] = SignActivations.quantize(in.activations, b * cols, cols, bits, b * words);
        }
        out.put("int8.q", new Stored(NpyDtype.I1, Npy.le(q), tokens, cols));
        out.put("int8.scales", new Stored(NpyDtype.F4, Npy.le(qs), tokens));
        out.put("sign.bits", new Stored(NpyDtype.U8, Npy.le(bits), tokens, words));
        out.put("sign.scales", new Stored(NpyDtype.F4, Npy.le(bs), tokens));
        return out;
    }

    private static int[] groups(int cols) {
        return cols % 128 == 0 && cols > 128 ? new int[]{cols, 128} : new int[]{cols};
    }

    /** The stored quantized values of one shape, read back as the library's types. */
    private record Derived(List<TernaryMatrix> ternary, List<PackedTernary> packed, List<BinaryMatrix> binary, byte[] q, float[] qScales,
                           long[] bits, float[] bitScales) {
    }

    private static Derived derived(Path d, Inputs in) {
        int rows = in.shape[0];
        int cols = in.shape[1];
        List<TernaryMatrix> ternary = new ArrayList<>();
        for (String stem : List.of("ternary-row", "ternary-tensor")) {
            ternary.add(new TernaryMatrix(rows, cols, Npy.readHeap(d.resolve(stem + ".trits.npy")).bytes(),
                    Npy.readHeap(d.resolve(stem + ".scales.npy")).floats()));
        }
        List<PackedTernary> packed = new ArrayList<>();
        if (cols % TernaryFormat.BLOCK == 0) {
            for (TernaryFormat f : TernaryFormat.values()) {
                packed.add(new PackedTernary(f, rows, cols, Npy.readHeap(d.resolve(f.name().toLowerCase(Locale.ROOT) + ".npy")).bytes()));
            }
        }
        List<BinaryMatrix> binary = new ArrayList<>();
        for (int group : groups(cols)) {
            String stem = group == cols ? "binary-row" : "binary-g" + group;
            binary.add(new BinaryMatrix(rows, cols, group, Npy.readHeap(d.resolve(stem + ".words.npy")).longs(),
                    Npy.readHeap(d.resolve(stem + ".scales.npy")).floats()));
        }
        return new Derived(ternary, packed, binary, Npy.readHeap(d.resolve("int8.q.npy")).bytes(),
                Npy.readHeap(d.resolve("int8.scales.npy")).floats(), Npy.readHeap(d.resolve("sign.bits.npy")).longs(),
                Npy.readHeap(d.resolve("sign.scales.npy")).floats());
    }

    /** Every product of the stored values through {@code k}, by file stem: (tokens, rows) floats. */
    private static Map<String, float[]> products(LowBitKernels k, Derived d) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TernaryMatrix t : d.ternary) {
            out.put((t.scales().length == t.rows() ? "ternary-row" : "ternary-tensor") + ".y", TernaryMatVec.matMul(k, t, d.q, d.qScales));
        }
        for (PackedTernary p : d.packed) {
            out.put(p.format().name().toLowerCase(Locale.ROOT) + ".y", TernaryMatVec.matMul(k, p, d.q, d.qScales));
        }
        for (BinaryMatrix b : d.binary) {
            String stem = b.group() == b.cols() ? "binary-row" : "binary-g" + b.group();
            out.put(stem + ".y", BinaryMatVec.matMul(k, b, d.q, d.qScales));
            out.put(stem + ".xnor.y", BinaryMatVec.signMatMul(k, b, d.bits, d.bitScales));
        }
        return out;
    }
}
