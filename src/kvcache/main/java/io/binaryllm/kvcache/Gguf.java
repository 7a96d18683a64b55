package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.kvcache.internal.Int8Rows;
import io.binaryllm.kvcache.internal.Linear;
import io.binaryllm.kvcache.internal.LowBitLayers;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GGUF files (versions 2 and 3) of the {@code llama} architecture: the shape from the {@code llama.*} metadata, the
 * tensors by llama.cpp's names ({@code token_embd}, {@code blk.N.attn_q}, ..., {@code output}; no {@code output}
 * means the classifier is the embedding table) in F32, F16, Q4_0, Q8_0, Q6_K, TQ1_0 or TQ2_0 (what llama-quantize writes for
 * the ternary types), dequantized to float exactly (an F16 value, a Q4_0 or Q8_0 block's F16 scale times its integer, a ternary block's F16 scale times its trit are exact in float32;
 * Q6_K's three factors are rounded as llama.cpp rounds them;
 * the ternary layouts are {@link io.binaryllm.lowbit.TernaryFormat}'s), and this project's own int8 embedding or
 * classifier (I8 codes beside an F32 {@code .scale} a row, where {@code binaryllm.layers} says int8). Q and K are taken as llama.cpp stores them for its
 * {@code llama} architecture: rotary pairs of adjacent dimensions, as llama2.c. Anything else (another architecture,
 * tensor type, shape, a truncated or inconsistent file) is refused naming the file and the key or tensor.
 */
public final class Gguf {
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final int F32 = 0;
    private static final int F16 = 1;
    private static final int Q4_0 = 2;
    private static final int Q8_0 = 8;
    private static final int Q6_K = 14;
    /** block_q6_K: 128 bytes of low nibbles, 64 of high 2-bit pairs, 16 int8 sub-scales, an F16 scale; 256 weights. */
    private static final int Q6_K_BYTES = 210;
    private static final int TQ1_0 = 34;
    private static final int TQ2_0 = 35;

    /**
     * One Q6_K block's 256 weights into {@code out[at...]}, as ggml-quants.c's dequantize_row_q6_K computes them: a
     * 6-bit value less 32 (low nibble in {@code ql}, high pair in {@code qh}) times its 16-weight sub-scale times the
     * block's F16 scale, {@code (d * sc) * q} in float. False when the scale is not finite.
     */
    static boolean q6k(byte[] b, float[] out, int at) {
        float d = Float.float16ToFloat((short) ((b[208] & 0xff) | (b[209] & 0xff) << 8));
        if (!Float.isFinite(d)) {
            return false;
        }
        for (int half = 0; half < 2; half++) {
            int ql = half * 64;
            int qh = 128 + half * 32;
            int sc = 192 + half * 8;
            int y = at + half * 128;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int h = b[qh + l] & 0xff;
                int q1 = ((b[ql + l] & 0xf) | ((h & 3) << 4)) - 32;
                int q2 = ((b[ql + l + 32] & 0xf) | (((h >> 2) & 3) << 4)) - 32;
                int q3 = (((b[ql + l] & 0xff) >> 4) | (((h >> 4) & 3) << 4)) - 32;
                int q4 = (((b[ql + l + 32] & 0xff) >> 4) | (((h >> 6) & 3) << 4)) - 32;
                out[y + l] = d * b[sc + is] * q1;
                out[y + l + 32] = d * b[sc + is + 2] * q2;
                out[y + l + 64] = d * b[sc + is + 4] * q3;
                out[y + l + 96] = d * b[sc + is + 6] * q4;
            }
        }
        return true;
    }

    private static TernaryFormat ternary(int type) {
        return type == TQ1_0 ? TernaryFormat.TQ1_0 : TernaryFormat.TQ2_0;
    }
    private static final int Q8_BLOCK = 32;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32L = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64L = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Gguf() {
    }

    /** A tensor's entry: its dimensions (fastest first, as GGUF lists them), type and offset in the data section. */
    private record TensorInfo(String name, long[] dims, int type, long offset) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /**
     * Writes {@code model} as a GGUF version 3 file, complete or not at all, replacing {@code target} only when
     * {@code overwrite}: llama.cpp's metadata and tensor names, float matrices in F32, ternary projections of whole
     * 256-weight rows in TQ2_0 (llama.cpp reads those), other low-bit projections in this project's own tensors
     * (trits four a byte in I8, binary words in I64, with {@code <name>.scale} tensors), the plan in {@code binaryllm.layers}; with
     * {@code tokenizer} (null for none) its tokens, scores and types as {@code tokenizer.ggml.*}. {@link #read} gives
     * back a model whose logits are the same bits.
     */
    public static void write(Path target, boolean overwrite, LlamaModel model, Tokenizer tokenizer) {
        write(target, overwrite, model, tokenizer, TernaryFormat.TQ2_0);
    }

    /**
     * {@link #write(Path, boolean, LlamaModel, Tokenizer)} with ternary rows of whole blocks in {@code blocks}:
     * TQ2_0 (2.0625 bits a weight, what the kernels multiply as it lies) or TQ1_0 (1.6875 bits; read back into TQ2_0).
     */
    public static void write(Path target, boolean overwrite, LlamaModel model, Tokenizer tokenizer, TernaryFormat blocks) {
        if (blocks == null) {
            throw new BadArgumentException("blocks", "a block format, TQ2_0 or TQ1_0, got null");
        }
        GgufOutput.write(target, overwrite, model, tokenizer, blocks);
    }

    /**
     * Reads the llama model in {@code file}; a file with {@code binaryllm.layers} (as {@link #write} makes one) has
     * its low-bit projections as stored, multiplied by this JVM's Java kernels ({@link LlamaModel#withKernels} rebinds
     * them), and its float weights are their dequantized values.
     */
    public static LlamaModel read(Path file) {
        FileKinds.requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return parse(file, data);
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }

    /** A position in the file with bounds-checked little-endian reads. */
    private static final class Cursor {
        final Path file;
        final MemorySegment data;
        long at;

        Cursor(Path file, MemorySegment data) {
            this.file = file;
            this.data = data;
        }

        void need(long bytes, String what) {
            if (bytes < 0 || at + bytes > data.byteSize()) {
                throw BadInputException.in(file, "truncated at byte " + at + " reading " + what);
            }
        }

        int u32(String what) {
            need(4, what);
            int v = data.get(I32, at);
            at += 4;
            return v;
        }

        long u64(String what) {
            need(8, what);
            long v = data.get(I64, at);
            at += 8;
            return v;
        }

        String string(String what) {
            long n = u64(what);
            if (n < 0 || n > 1 << 20) {
                throw BadInputException.in(file, "implausible string length " + n + " at byte " + (at - 8) + " reading " + what);
            }
            need(n, what);
            byte[] b = data.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
            at += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        /** Arrays of arrays nested deeper than this are refused: llama.cpp's files nest none. */
        static final int MAX_NESTING = 8;

        /** A metadata value of {@code type}: numbers, booleans and strings as Java values, arrays as lists (strings' only counted). */
        Object value(int type, String key) {
            return value(type, key, 0);
        }

        private Object value(int type, String key, int depth) {
            return switch (type) {
                case 0, 1 -> { need(1, key); byte v = data.get(ValueLayout.JAVA_BYTE, at); at += 1; yield type == 0 ? (long) (v & 0xff) : (long) v; }
                case 2, 3 -> { need(2, key); short v = data.get(I16, at); at += 2; yield type == 2 ? (long) (v & 0xffff) : (long) v; }
                case 4 -> u32(key) & 0xffffffffL;
                case 5 -> (long) u32(key);
                case 6 -> { need(4, key); float v = data.get(F32L, at); at += 4; yield (double) v; }
                case 7 -> { need(1, key); byte v = data.get(ValueLayout.JAVA_BYTE, at); at += 1; yield v != 0; }
                case 8 -> string(key);
                case 9 -> {
                    if (depth >= MAX_NESTING) {
                        throw BadInputException.in(file, key + ": arrays nested more than " + MAX_NESTING + " deep");
                    }
                    int elementType = u32(key);
                    long count = u64(key);
                    if (count < 0 || count > 1L << 28) {
                        throw BadInputException.in(file, key + ": implausible array length " + count);
                    }
                    Object[] items = new Object[(int) count];
                    for (int i = 0; i < count; i++) {
                        items[i] = value(elementType, key, depth + 1);
                    }
                    yield Arrays.asList(items);
                }
                case 10, 11 -> u64(key);
                case 12 -> { need(8, key); double v = data.get(F64L, at); at += 8; yield v; }
                default -> throw BadInputException.in(file, key + ": unknown metadata value type " + type);
            };
        }
    }

    /** The metadata, the tensor directory and where the data section starts. */
    private record Header(Map<String, Object> meta, Map<String, TensorInfo> infos, long base) {
    }

    private static Header header(Path file, MemorySegment data) {
        Cursor c = new Cursor(file, data);
        if (c.u32("the magic") != MAGIC) {
            throw BadInputException.in(file, "not a GGUF file (no GGUF magic at the start)");
        }
        int version = c.u32("the version");
        if (version != 2 && version != 3) {
            throw BadInputException.in(file, "GGUF version " + version + " (2 and 3 are read)");
        }
        long tensors = c.u64("the tensor count");
        long kvs = c.u64("the metadata count");
        if (tensors < 0 || tensors > 1 << 20 || kvs < 0 || kvs > 1 << 20) {
            throw BadInputException.in(file, "implausible counts: " + tensors + " tensors, " + kvs + " metadata entries");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvs; i++) {
            String key = c.string("a metadata key");
            int type = c.u32(key);
            if (meta.put(key, c.value(type, key)) != null) {
                throw BadInputException.in(file, key + ": metadata key given twice");
            }
        }
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        for (long i = 0; i < tensors; i++) {
            String name = c.string("a tensor name");
            int nDims = c.u32(name);
            if (nDims < 1 || nDims > 4) {
                throw BadInputException.in(file, "tensor " + name + ": " + nDims + " dimensions");
            }
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                dims[d] = c.u64(name);
                if (dims[d] < 1) {
                    throw BadInputException.in(file, "tensor " + name + ": dimension " + Long.toUnsignedString(dims[d]));
                }
                if (elements > (1L << 48) / dims[d]) {
                    throw BadInputException.in(file, "tensor " + name + ": dimensions " + Arrays.toString(dims) + " hold more than 2^48 elements");
                }
                elements *= dims[d];
            }
            int type = c.u32(name);
            long offset = c.u64(name);
            if (infos.put(name, new TensorInfo(name, dims, type, offset)) != null) {
                throw BadInputException.in(file, "tensor " + name + " listed twice");
            }
        }
        long alignment = number(file, meta, "general.alignment", 32L);
        if (alignment < 1 || Long.bitCount(alignment) != 1) {
            throw BadInputException.in(file, "general.alignment: " + alignment + " is not a power of two");
        }
        return new Header(meta, infos, (c.at + alignment - 1) / alignment * alignment);
    }

    private static LlamaModel parse(Path file, MemorySegment data) {
        Header header = header(file, data);
        Map<String, Object> meta = header.meta();
        Map<String, TensorInfo> infos = header.infos();
        long base = header.base();
        Object arch = meta.get("general.architecture");
        if (!"llama".equals(arch)) {
            throw BadInputException.in(file, "general.architecture: " + (arch == null ? "missing" : "'" + arch + "'")
                    + "; only llama models are read");
        }
        TensorInfo embd = tensor(file, infos, "token_embd.weight");
        int dim = count(file, "llama.embedding_length", number(file, meta, "llama.embedding_length", null));
        int vocab = count(file, "tensor token_embd.weight's rows", embd.dims().length == 2 ? embd.dims()[1] : -1);
        int heads = count(file, "llama.attention.head_count", number(file, meta, "llama.attention.head_count", null));
        LlamaConfig config;
        try {
            config = new LlamaConfig(dim, count(file, "llama.feed_forward_length", number(file, meta, "llama.feed_forward_length", null)),
                    count(file, "llama.block_count", number(file, meta, "llama.block_count", null)), heads,
                    count(file, "llama.attention.head_count_kv", number(file, meta, "llama.attention.head_count_kv", (long) heads)), vocab,
                    count(file, "llama.context_length", number(file, meta, "llama.context_length", null)), !infos.containsKey("output.weight"),
                    (float) real(file, meta, "llama.attention.layer_norm_rms_epsilon", LlamaConfig.LLAMA2C_EPS),
                    real(file, meta, "llama.rope.freq_base", LlamaConfig.LLAMA2C_THETA));
        } catch (BadArgumentException e) {
            throw BadInputException.in(file, "llama metadata: " + e.getMessage());
        }
        LlamaModel.requireHeapFor(file, config);
        Tensors t = new Tensors(file, data, base, infos);
        int d = config.dim();
        int kv = config.kvDim();
        int h = config.hiddenDim();
        int layers = config.layers();
        Object layersKey = meta.get("binaryllm.layers");
        BitLinearPlan plan;
        try {
            plan = layersKey == null ? BitLinearPlan.allFloat() : BitLinearPlan.parse(layersKey instanceof String text ? text : "");
        } catch (BadArgumentException e) {
            throw BadInputException.in(file, "binaryllm.layers: " + e.getMessage());
        }
        Int8Rows int8Embedding = t.int8Rows("token_embd", vocab, d, plan.int8Embedding(), "embedding=int8");
        float[] embedding = int8Embedding != null ? int8Embedding.dequantize() : t.matrix("token_embd.weight", vocab, d);
        float[] rmsAtt = t.stacked("attn_norm", layers, 1, d);
        float[] rmsFfn = t.stacked("ffn_norm", layers, 1, d);
        float[] rmsFinal = t.matrix("output_norm.weight", 1, d);
        Int8Rows int8Classifier = config.sharedClassifier() ? null : t.int8Rows("output", vocab, d, plan.int8Classifier(), "classifier=int8");
        float[] classifier = config.sharedClassifier() ? embedding
                : int8Classifier != null ? int8Classifier.dequantize() : t.matrix("output.weight", vocab, d);
        if (layersKey == null) {
            float[] wq = t.stacked("attn_q", layers, d, d);
            float[] wk = t.stacked("attn_k", layers, kv, d);
            float[] wv = t.stacked("attn_v", layers, kv, d);
            float[] wo = t.stacked("attn_output", layers, d, d);
            float[] w1 = t.stacked("ffn_gate", layers, h, d);
            float[] w2 = t.stacked("ffn_down", layers, d, h);
            float[] w3 = t.stacked("ffn_up", layers, h, d);
            return LlamaModel.of(config, new LlamaModel.Weights(embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier));
        }
        Linear[][] linears = new Linear[BitLinearPlan.Projection.values().length][layers];
        float[][] floats = new float[linears.length][];
        for (BitLinearPlan.Projection p : BitLinearPlan.Projection.values()) {
            int rows = LowBitLayers.rows(p, d, kv, h);
            int cols = LowBitLayers.cols(p, d, h);
            floats[p.ordinal()] = new float[Math.multiplyExact(layers, rows * cols)];
            for (int l = 0; l < layers; l++) {
                String name = "blk." + l + "." + LowBitLayers.ggufName(p);
                int at = l * rows * cols;
                Linear linear = switch (plan.kind(p)) {
                    case FLOAT -> {
                        t.read(name + ".weight", rows, cols, floats[p.ordinal()], at);
                        yield new Linear.Float32(floats[p.ordinal()], at, rows, cols);
                    }
                    case TERNARY -> t.ternaryProjection(name, rows, cols);
                    case BINARY, BINARY_SIGNS -> new Linear.Binary(t.binaryProjection(name, rows, cols), plan.kind(p) == BitLinearPlan.Kind.BINARY_SIGNS,
                            LowBitKernels.java());
                };
                linear.dequantize(floats[p.ordinal()], at);
                linears[p.ordinal()][l] = linear;
            }
        }
        float[][] f = floats;
        return LlamaModel.withLayers(config, new LlamaModel.Weights(embedding, rmsAtt, f[0], f[1], f[2], f[3], rmsFfn, f[4], f[6], f[5],
                rmsFinal, classifier), plan, linears, int8Embedding, int8Classifier);
    }

    /** A size from the header as an int, refused naming {@code what} when it is beyond one (a Java array's index). */
    private static int count(Path file, String what, long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw BadInputException.in(file, what + ": " + Long.toUnsignedString(value) + " is beyond what this reader takes (at most "
                    + Integer.MAX_VALUE + ")");
        }
        return (int) value;
    }

    private static TensorInfo tensor(Path file, Map<String, TensorInfo> infos, String name) {
        TensorInfo t = infos.get(name);
        if (t == null) {
            throw BadInputException.in(file, "tensor " + name + " is missing");
        }
        return t;
    }

    private static long number(Path file, Map<String, Object> meta, String key, Long fallback) {
        Object v = meta.get(key);
        if (v == null) {
            if (fallback == null) {
                throw BadInputException.in(file, key + ": missing");
            }
            return fallback;
        }
        if (!(v instanceof Long n)) {
            throw BadInputException.in(file, key + ": expected an integer, got " + v);
        }
        return n;
    }

    private static double real(Path file, Map<String, Object> meta, String key, double fallback) {
        Object v = meta.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw BadInputException.in(file, key + ": expected a number, got " + v);
    }

    /** The data section's tensors, dequantized into float arrays of the expected shapes. */
    private record Tensors(Path file, MemorySegment data, long base, Map<String, TensorInfo> infos) {
        /** Layers' {@code blk.N.<name>.weight}, each (rows, cols), stacked. */
        float[] stacked(String name, int layers, int rows, int cols) {
            long per = (long) rows * cols;
            if (per * layers > Integer.MAX_VALUE - 8) {
                throw BadInputException.in(file, "tensors blk.*." + name + " hold " + per * layers + " floats, more than one Java array");
            }
            float[] out = new float[(int) (per * layers)];
            for (int l = 0; l < layers; l++) {
                read("blk." + l + "." + name + ".weight", rows, cols, out, (int) (l * per));
            }
            return out;
        }

        float[] matrix(String name, int rows, int cols) {
            long n = (long) rows * cols;
            if (n > Integer.MAX_VALUE - 8) {
                throw BadInputException.in(file, "tensor " + name + " holds " + n + " floats, more than one Java array");
            }
            float[] out = new float[(int) n];
            read(name, rows, cols, out, 0);
            return out;
        }

        /**
         * A ternary projection {@code <name>.weight}: TQ2_0 or TQ1_0 blocks, one scale a row (as this project writes them), or I8
         * trits packed four a byte (GgufOutput.packTrits) with an F32 {@code <name>.scale} (one, or one a row).
         */
        Linear.Ternary ternaryProjection(String name, int rows, int cols) {
            TensorInfo w = tensor(file, infos, name + ".weight");
            try {
                if (w.type() == TQ2_0 || w.type() == TQ1_0) {
                    TernaryFormat f = ternary(w.type());
                    byte[] blocks = bytes(w, new long[]{cols, rows}, w.type(), (long) rows * (cols / TernaryFormat.BLOCK) * f.blockBytes());
                    PackedTernary packed = new PackedTernary(f, rows, cols, blocks);
                    // TQ1_0 is a file format: the kernels multiply TQ2_0 as it lies, so it is repacked (same trits and scales)
                    return new Linear.Ternary(null, f == TernaryFormat.TQ2_0 ? packed : PackedTernary.of(packed.unpack(), TernaryFormat.TQ2_0),
                            LowBitKernels.java());
                }
                byte[] trits = GgufOutput.unpackTrits(bytes(w, new long[]{(cols + 3) / 4, rows}, GgufOutput.I8, (long) rows * ((cols + 3) / 4)),
                        rows, cols);
                if (trits == null) {
                    throw BadInputException.in(file, "tensor " + name + ".weight holds a 2-bit field of 3, which is no trit");
                }
                TensorInfo s = tensor(file, infos, name + ".scale");
                float[] scales = floats(s, s.dims().length == 1 && (s.dims()[0] == 1 || s.dims()[0] == rows) ? s.dims() : new long[]{1});
                return new Linear.Ternary(new TernaryMatrix(rows, cols, trits, scales), null, LowBitKernels.java());
            } catch (BadArgumentException e) {
                throw BadInputException.in(file, "tensor " + name + ": " + e.getMessage());
            }
        }

        /**
         * An int8 table {@code <name>.weight} (I8 codes, [cols, rows]) with its F32 {@code <name>.scale} (one a row), as
         * GgufOutput writes an int8 embedding or classifier; null when the tensor is not I8 (a float one, read as such).
         * An I8 table the plan does not name ({@code planKey}) is refused.
         */
        Int8Rows int8Rows(String name, int rows, int cols, boolean planned, String planKey) {
            TensorInfo w = tensor(file, infos, name + ".weight");
            if (w.type() != GgufOutput.I8) {
                return null;
            }
            if (!planned) {
                throw BadInputException.in(file, "tensor " + name + ".weight is int8 (I8) but binaryllm.layers does not say " + planKey);
            }
            byte[] codes = bytes(w, new long[]{cols, rows}, GgufOutput.I8, (long) rows * cols);
            TensorInfo s = tensor(file, infos, name + ".scale");
            float[] scales = floats(s, new long[]{rows});
            try {
                return new Int8Rows(rows, cols, codes, scales);
            } catch (BadArgumentException e) {
                throw BadInputException.in(file, "tensor " + name + ": " + e.getMessage());
            }
        }

        /** A binary projection: LSB-first I64 words {@code <name>.weight} and F16 scales {@code <name>.scale} (rows, groups). */
        BinaryMatrix binaryProjection(String name, int rows, int cols) {
            TensorInfo w = tensor(file, infos, name + ".weight");
            int words = (cols + 63) / 64;
            MemorySegment raw = MemorySegment.ofArray(bytes(w, new long[]{words, rows}, GgufOutput.I64, 8L * rows * words));
            long[] bits = new long[rows * words];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = raw.get(I64, 8L * i);
            }
            TensorInfo s = tensor(file, infos, name + ".scale");
            if (s.dims().length != 2 || s.dims()[1] != rows || s.dims()[0] < 1 || cols % s.dims()[0] != 0 || s.type() != F16) {
                throw BadInputException.in(file, "tensor " + name + ".scale must be F16 of dimensions [groups, " + rows
                        + "] with groups dividing " + cols + ", has type " + s.type() + " and " + Arrays.toString(s.dims()));
            }
            int groups = (int) s.dims()[0];
            MemorySegment h = MemorySegment.ofArray(bytes(s, s.dims(), F16, 2L * rows * groups));
            float[] scales = new float[rows * groups];
            for (int i = 0; i < scales.length; i++) {
                scales[i] = Float.float16ToFloat(h.get(I16, 2L * i));
                if (!Float.isFinite(scales[i])) {
                    throw BadInputException.in(file, "tensor " + name + ".scale element " + i + " is " + scales[i]);
                }
            }
            long tail = cols & 63;
            for (int r = 0; tail != 0 && r < rows; r++) {
                if (bits[(r + 1) * words - 1] >>> tail != 0) {
                    throw BadInputException.in(file, "tensor " + name + ".weight row " + r + " has bits set past its " + cols + " weights");
                }
            }
            try {
                return new BinaryMatrix(rows, cols, cols / groups, bits, scales);
            } catch (BadArgumentException e) {
                throw BadInputException.in(file, "tensor " + name + ": " + e.getMessage());
            }
        }

        /** An F32 tensor of {@code dims} as floats, each finite. */
        private float[] floats(TensorInfo t, long[] dims) {
            long n = Arrays.stream(dims).reduce(1, Math::multiplyExact);
            MemorySegment raw = MemorySegment.ofArray(bytes(t, dims, F32, 4 * n));
            float[] out = new float[(int) n];
            for (int i = 0; i < out.length; i++) {
                out[i] = raw.get(F32L, 4L * i);
                if (!Float.isFinite(out[i])) {
                    throw BadInputException.in(file, "tensor " + t.name() + " element " + i + " is " + out[i]);
                }
            }
            return out;
        }

        /** The {@code bytes} bytes of tensor {@code t}, refused unless it has dimensions {@code dims} and type {@code type}. */
        private byte[] bytes(TensorInfo t, long[] dims, int type, long bytes) {
            if (!Arrays.equals(t.dims(), dims) || t.type() != type) {
                throw BadInputException.in(file, "tensor " + t.name() + " has type " + t.type() + " and dimensions " + Arrays.toString(t.dims())
                        + "; the plan in binaryllm.layers needs type " + type + " and " + Arrays.toString(dims));
            }
            long start = base + t.offset();
            if (t.offset() < 0 || bytes > Integer.MAX_VALUE - 8 || t.offset() > data.byteSize() - base || bytes > data.byteSize() - start) {
                throw BadInputException.in(file, "tensor " + t.name() + " runs past the end of the file (truncated?)");
            }
            byte[] out = new byte[(int) bytes];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, start, out, 0, out.length);
            return out;
        }

        /** A tensor of GGUF dims [cols, rows] (or [cols] for one row) into {@code out[at...]}, row-major. */
        private void read(String name, int rows, int cols, float[] out, int at) {
            TensorInfo t = tensor(file, infos, name);
            long[] expected = rows == 1 ? new long[]{cols} : new long[]{cols, rows};
            if (!Arrays.equals(t.dims(), expected)) {
                throw BadInputException.in(file, "tensor " + name + " has dimensions " + Arrays.toString(t.dims()) + ", the metadata needs "
                        + Arrays.toString(expected));
            }
            long n = t.elements();
            long bytes = switch (t.type()) {
                case F32 -> n * 4;
                case F16 -> n * 2;
                case Q8_0 -> {
                    if (t.dims()[0] % Q8_BLOCK != 0) {
                        throw BadInputException.in(file, "tensor " + name + ": Q8_0 rows are blocks of 32, a row here has " + t.dims()[0]);
                    }
                    yield n / Q8_BLOCK * 34;
                }
                case TQ1_0, TQ2_0 -> {
                    if (t.dims()[0] % TernaryFormat.BLOCK != 0) {
                        throw BadInputException.in(file, "tensor " + name + ": " + ternary(t.type()) + " rows are blocks of 256, a row here has "
                                + t.dims()[0]);
                    }
                    yield n / TernaryFormat.BLOCK * ternary(t.type()).blockBytes();
                }
                case Q4_0 -> {
                    if (t.dims()[0] % 32 != 0) {
                        throw BadInputException.in(file, "tensor " + name + ": Q4_0 rows are blocks of 32, a row here has " + t.dims()[0]);
                    }
                    yield n / 32 * 18;
                }
                case Q6_K -> {
                    if (t.dims()[0] % 256 != 0) {
                        throw BadInputException.in(file, "tensor " + name + ": Q6_K rows are blocks of 256, a row here has " + t.dims()[0]);
                    }
                    yield n / 256 * Q6_K_BYTES;
                }
                default -> throw BadInputException.in(file, "tensor " + name + " has type " + t.type()
                        + "; F32 (0), F16 (1), Q4_0 (2), Q8_0 (8), Q6_K (14), TQ1_0 (34) and TQ2_0 (35) are read");
            };
            long start = base + t.offset();
            if (t.offset() < 0 || t.offset() > data.byteSize() - base || bytes > data.byteSize() - start) {
                throw BadInputException.in(file, "tensor " + name + " runs past the end of the file (truncated?)");
            }
            if (t.type() == TQ1_0 || t.type() == TQ2_0) {
                readTernary(name, ternary(t.type()), start, n, out, at);
                return;
            }
            if (t.type() == Q6_K) {
                readQ6K(name, start, n, out, at);
                return;
            }
            for (long i = 0; i < n; i++) {
                float v = switch (t.type()) {
                    case F32 -> data.get(F32L, start + i * 4);
                    case F16 -> Float.float16ToFloat(data.get(I16, start + i * 2));
                    case Q4_0 -> { // block_q4_0: an F16 scale, then 16 bytes: weight j in the low nibble of byte j, j + 16 in the high
                        long block = start + i / 32 * 18;
                        int j = (int) (i % 32);
                        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j % 16) & 0xff;
                        yield ((j < 16 ? packed & 0xf : packed >> 4) - 8) * Float.float16ToFloat(data.get(I16, block));
                    }
                    default -> {
                        long block = start + i / Q8_BLOCK * 34;
                        float scale = Float.float16ToFloat(data.get(I16, block));
                        yield scale * data.get(ValueLayout.JAVA_BYTE, block + 2 + i % Q8_BLOCK);
                    }
                };
                if (!Float.isFinite(v)) {
                    throw BadInputException.in(file, "tensor " + name + " element " + i + " is " + v);
                }
                out[at + (int) i] = v;
            }
        }

        /**
         * {@code n} weights of Q6_K blocks at {@code start}, as ggml-quants.c's dequantize_row_q6_K computes them: each
         * a 6-bit value less 32 (low nibble in ql, high pair in qh) times its 16-weight sub-scale times the block's F16
         * scale, {@code (d * sc) * q} in float.
         */
        private void readQ6K(String name, long start, long n, float[] out, int at) {
            byte[] b = new byte[Q6_K_BYTES];
            for (long blk = 0; blk < n / 256; blk++) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, start + blk * Q6_K_BYTES, b, 0, Q6_K_BYTES);
                if (!q6k(b, out, at + (int) (blk * 256))) {
                    throw BadInputException.in(file, "tensor " + name + " block " + blk + " has a scale that is not finite");
                }
            }
        }

        /** {@code n} weights of {@code format}'s blocks at {@code start}: each trit times its block's half-precision scale. */
        private void readTernary(String name, TernaryFormat format, long start, long n, float[] out, int at) {
            byte[] block = new byte[format.blockBytes()];
            byte[] trits = new byte[TernaryFormat.BLOCK];
            for (long b = 0; b < n / TernaryFormat.BLOCK; b++) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, start + b * format.blockBytes(), block, 0, block.length);
                float d = format.unpack(block, 0, trits, 0);
                if (!Float.isFinite(d)) {
                    throw BadInputException.in(file, "tensor " + name + " block " + b + " has scale " + d);
                }
                for (int i = 0; i < TernaryFormat.BLOCK; i++) {
                    out[at + (int) (b * TernaryFormat.BLOCK) + i] = trits[i] * d;
                }
            }
        }
    }

    /**
     * The tokenizer in {@code file}'s metadata: {@code tokenizer.ggml.model} "llama" (SentencePiece byte-pair merges),
     * {@code tokenizer.ggml.tokens} and {@code .scores}; SentencePiece's word marker U+2581 becomes a space, as
     * llama2.c's export writes it, so that {@link Tokenizer} encodes as {@code run.c} does.
     */
    public static Tokenizer readTokenizer(Path file) {
        FileKinds.requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            Map<String, Object> meta = header(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena)).meta();
            Object model = meta.get("tokenizer.ggml.model");
            if (!"llama".equals(model)) {
                throw BadInputException.in(file, "tokenizer.ggml.model: " + (model == null ? "missing" : "'" + model + "'")
                        + "; only llama (SentencePiece) tokenizers are read");
            }
            if (!(meta.get("tokenizer.ggml.tokens") instanceof List<?> tokens) || !(meta.get("tokenizer.ggml.scores") instanceof List<?> scores)
                    || tokens.size() != scores.size()) {
                throw BadInputException.in(file, "tokenizer.ggml.tokens and .scores must be arrays of one length");
            }
            List<String> text = new ArrayList<>(tokens.size());
            float[] score = new float[scores.size()];
            for (int i = 0; i < tokens.size(); i++) {
                if (!(tokens.get(i) instanceof String t) || !(scores.get(i) instanceof Double d)) {
                    throw BadInputException.in(file, "tokenizer.ggml token " + i + " is not a string with a float score");
                }
                text.add(t.replace('\u2581', ' '));
                score[i] = d.floatValue();
            }
            try {
                return Tokenizer.of(text, score);
            } catch (BadArgumentException e) {
                throw BadInputException.in(file, "tokenizer.ggml.tokens: " + e.getMessage());
            }
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }

    /** The names a llama GGUF file's tensors have, in llama.cpp's order, for {@code layers} layers. */
    static List<String> tensorNames(int layers, boolean sharedClassifier) {
        List<String> names = new ArrayList<>(List.of("token_embd.weight"));
        for (int l = 0; l < layers; l++) {
            for (String n : List.of("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_down", "ffn_up")) {
                names.add("blk." + l + "." + n + ".weight");
            }
        }
        names.add("output_norm.weight");
        if (!sharedClassifier) {
            names.add("output.weight");
        }
        return names;
    }
}
