package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.lowbit.TernaryFormat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * means the classifier is the embedding table) in F32, F16, Q8_0, TQ1_0 or TQ2_0, dequantized to float exactly (an F16
 * value, a Q8_0 block's F16 scale times its int8, a ternary block's F16 scale times its trit are exact in float32;
 * the ternary layouts are {@link io.binaryllm.lowbit.TernaryFormat}'s). Q and K are taken as llama.cpp stores them for its
 * {@code llama} architecture: rotary pairs of adjacent dimensions, as llama2.c. Anything else (another architecture,
 * tensor type, shape, a truncated or inconsistent file) is refused naming the file and the key or tensor.
 */
public final class Gguf {
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final int F32 = 0;
    private static final int F16 = 1;
    private static final int Q8_0 = 8;
    private static final int TQ1_0 = 34;
    private static final int TQ2_0 = 35;

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

    /** Reads the llama model in {@code file}. */
    public static LlamaModel read(Path file) {
        if (Files.isDirectory(file)) {
            throw BadInputException.in(file, "a directory, not a GGUF file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return parse(file, data);
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + e.getMessage());
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

        /** A metadata value of {@code type}: numbers, booleans and strings as Java values, arrays as lists (strings' only counted). */
        Object value(int type, String key) {
            return switch (type) {
                case 0, 1 -> { need(1, key); byte v = data.get(ValueLayout.JAVA_BYTE, at); at += 1; yield type == 0 ? (long) (v & 0xff) : (long) v; }
                case 2, 3 -> { need(2, key); short v = data.get(I16, at); at += 2; yield type == 2 ? (long) (v & 0xffff) : (long) v; }
                case 4 -> u32(key) & 0xffffffffL;
                case 5 -> (long) u32(key);
                case 6 -> { need(4, key); float v = data.get(F32L, at); at += 4; yield (double) v; }
                case 7 -> { need(1, key); byte v = data.get(ValueLayout.JAVA_BYTE, at); at += 1; yield v != 0; }
                case 8 -> string(key);
                case 9 -> {
                    int elementType = u32(key);
                    long count = u64(key);
                    if (count < 0 || count > 1L << 28) {
                        throw BadInputException.in(file, key + ": implausible array length " + count);
                    }
                    Object[] items = new Object[(int) count];
                    for (int i = 0; i < count; i++) {
                        items[i] = value(elementType, key);
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
            for (int d = 0; d < nDims; d++) {
                dims[d] = c.u64(name);
                if (dims[d] < 1) {
                    throw BadInputException.in(file, "tensor " + name + ": dimension " + dims[d]);
                }
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
        int dim = Math.toIntExact(number(file, meta, "llama.embedding_length", null));
        int vocab = Math.toIntExact(embd.dims().length == 2 ? embd.dims()[1] : -1);
        int heads = Math.toIntExact(number(file, meta, "llama.attention.head_count", null));
        LlamaConfig config;
        try {
            config = new LlamaConfig(dim, Math.toIntExact(number(file, meta, "llama.feed_forward_length", null)),
                    Math.toIntExact(number(file, meta, "llama.block_count", null)), heads,
                    Math.toIntExact(number(file, meta, "llama.attention.head_count_kv", (long) heads)), vocab,
                    Math.toIntExact(number(file, meta, "llama.context_length", null)), !infos.containsKey("output.weight"),
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
        float[] embedding = t.matrix("token_embd.weight", vocab, d);
        float[] rmsAtt = t.stacked("attn_norm", layers, 1, d);
        float[] wq = t.stacked("attn_q", layers, d, d);
        float[] wk = t.stacked("attn_k", layers, kv, d);
        float[] wv = t.stacked("attn_v", layers, kv, d);
        float[] wo = t.stacked("attn_output", layers, d, d);
        float[] rmsFfn = t.stacked("ffn_norm", layers, 1, d);
        float[] w1 = t.stacked("ffn_gate", layers, h, d);
        float[] w2 = t.stacked("ffn_down", layers, d, h);
        float[] w3 = t.stacked("ffn_up", layers, h, d);
        float[] rmsFinal = t.matrix("output_norm.weight", 1, d);
        float[] classifier = config.sharedClassifier() ? embedding : t.matrix("output.weight", vocab, d);
        return LlamaModel.of(config, new LlamaModel.Weights(embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier));
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
                default -> throw BadInputException.in(file, "tensor " + name + " has type " + t.type()
                        + "; F32 (0), F16 (1), Q8_0 (8), TQ1_0 (34) and TQ2_0 (35) are read");
            };
            long start = base + t.offset();
            if (t.offset() < 0 || start + bytes > data.byteSize()) {
                throw BadInputException.in(file, "tensor " + name + " runs past the end of the file (truncated?)");
            }
            if (t.type() == TQ1_0 || t.type() == TQ2_0) {
                readTernary(name, ternary(t.type()), start, n, out, at);
                return;
            }
            for (long i = 0; i < n; i++) {
                float v = switch (t.type()) {
                    case F32 -> data.get(F32L, start + i * 4);
                    case F16 -> Float.float16ToFloat(data.get(I16, start + i * 2));
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
            throw BadInputException.in(file, "cannot read: " + e.getMessage());
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
