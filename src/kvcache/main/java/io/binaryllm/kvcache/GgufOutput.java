package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.kvcache.BitLinearPlan.Projection;
import io.binaryllm.kvcache.internal.Int8Rows;
import io.binaryllm.kvcache.internal.Linear;
import io.binaryllm.kvcache.internal.LowBitLayers;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatrix;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a model as a GGUF version 3 file ({@link Gguf#write}): llama.cpp's {@code llama} metadata and tensor names,
 * norms and float matrices in F32, and each low-bit projection as the model multiplies it: ternary rows of whole
 * 256-weight blocks in TQ2_0 or TQ1_0 (llama.cpp's own types, the row's scale in every block), other ternary projections as
 * 2-bit fields in I8 bytes ({@link #packTrits}: 2 bits a weight) beside an F32 {@code <name>.scale}, binary ones as their LSB-first words in I64 beside an F16
 * {@code <name>.scale} (rows, groups), an int8 embedding or classifier as I8 codes beside an F32 {@code <name>.scale} a
 * row. {@code binaryllm.layers} records the plan; a file without custom tensors (float,
 * or ternary in TQ2_0 only) is a plain llama GGUF for llama.cpp too.
 */
final class GgufOutput {
    static final int F32 = 0;
    static final int F16 = 1;
    static final int TQ1_0 = 34;
    static final int TQ2_0 = 35;
    static final int I8 = 24;
    static final int I64 = 27;
    static final int ALIGNMENT = 32;

    private GgufOutput() {
    }

    private record Tensor(String name, long[] dims, int type, byte[] bytes) {
    }

    static void write(Path target, boolean overwrite, LlamaModel m, Tokenizer tokenizer, TernaryFormat blocks) {
        LlamaConfig c = m.config();
        if (tokenizer != null && tokenizer.vocab() != c.vocab()) {
            throw new BadArgumentException("tokenizer", "a tokenizer of " + tokenizer.vocab() + " tokens for a model of " + c.vocab());
        }
        AtomicOutput.requireWritable(target, overwrite);
        LlamaModel.Weights w = m.weights();
        int d = c.dim();
        List<Tensor> tensors = new ArrayList<>();
        table(tensors, "token_embd", w.embedding(), m.int8Embedding(), c.vocab(), d);
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            tensors.add(floats(p + "attn_norm.weight", w.rmsAtt(), l * d, 1, d));
            for (Projection proj : List.of(Projection.Q, Projection.K, Projection.V, Projection.O)) {
                projection(tensors, p + LowBitLayers.ggufName(proj), m.linear(proj, l), blocks);
            }
            tensors.add(floats(p + "ffn_norm.weight", w.rmsFfn(), l * d, 1, d));
            for (Projection proj : List.of(Projection.GATE, Projection.DOWN, Projection.UP)) {
                projection(tensors, p + LowBitLayers.ggufName(proj), m.linear(proj, l), blocks);
            }
        }
        tensors.add(floats("output_norm.weight", w.rmsFinal(), 0, 1, d));
        if (!c.sharedClassifier()) {
            table(tensors, "output", w.classifier(), m.int8Classifier(), c.vocab(), d);
        }
        Header h = new Header();
        h.string("general.architecture", "llama");
        h.u32("general.alignment", ALIGNMENT);
        h.u32("llama.embedding_length", d);
        h.u32("llama.feed_forward_length", c.hiddenDim());
        h.u32("llama.block_count", c.layers());
        h.u32("llama.attention.head_count", c.heads());
        h.u32("llama.attention.head_count_kv", c.kvHeads());
        h.u32("llama.context_length", c.seqLen());
        h.u32("llama.rope.dimension_count", c.headSize());
        h.f32("llama.attention.layer_norm_rms_epsilon", c.rmsEps());
        h.f32("llama.rope.freq_base", (float) c.ropeTheta());
        if (m.plan().isLowBit()) {
            h.string("binaryllm.layers", m.plan().toString());
        }
        if (tokenizer != null) {
            tokenizer(h, tokenizer);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = le(24).putInt(0x46554747).putInt(3).putLong(tensors.size()).putLong(h.count);
        out.writeBytes(head.array());
        out.writeBytes(h.bytes.toByteArray());
        long offset = 0;
        for (Tensor t : tensors) {
            Header.putString(out, t.name());
            out.writeBytes(le(4).putInt(t.dims().length).array());
            for (long dim : t.dims()) {
                out.writeBytes(le(8).putLong(dim).array());
            }
            out.writeBytes(le(4).putInt(t.type()).array());
            out.writeBytes(le(8).putLong(offset).array());
            offset = align(offset + t.bytes().length);
        }
        pad(out);
        try (AtomicOutput file = AtomicOutput.open(target, overwrite)) {
            file.write(ByteBuffer.wrap(out.toByteArray()));
            for (Tensor t : tensors) {
                file.write(ByteBuffer.wrap(t.bytes()));
                int padding = (int) (align(t.bytes().length) - t.bytes().length);
                file.write(ByteBuffer.wrap(new byte[padding]));
            }
            file.commit();
        }
    }

    /** The embedding or classifier: F32, or int8 codes (I8, [cols, rows]) beside an F32 {@code <name>.scale} a row. */
    private static void table(List<Tensor> out, String name, float[] floats, Int8Rows int8, int rows, int cols) {
        if (int8 == null) {
            out.add(floats(name + ".weight", floats, 0, rows, cols));
        } else {
            out.add(new Tensor(name + ".weight", new long[]{cols, rows}, I8, int8.codes()));
            out.add(floats(name + ".scale", int8.scales(), 0, 1, rows));
        }
    }

    /** One projection's tensors, as it multiplies; ternary rows of whole blocks in {@code blocks}' layout. */
    private static void projection(List<Tensor> out, String name, Linear linear, TernaryFormat blocks) {
        int rows = linear.rows();
        int cols = linear.cols();
        long[] dims = {cols, rows};
        switch (linear) {
            case Linear.Float32 f -> out.add(floats(name + ".weight", f.w(), f.offset(), rows, cols));
            case Linear.Ternary t when t.packed() != null -> out.add(blocks == TernaryFormat.TQ2_0
                    ? new Tensor(name + ".weight", dims, TQ2_0, t.packed().data())
                    : new Tensor(name + ".weight", dims, TQ1_0, PackedTernary.of(t.packed().unpack(), TernaryFormat.TQ1_0).data()));
            case Linear.Ternary t -> {
                TernaryMatrix m = t.unpacked();
                out.add(new Tensor(name + ".weight", new long[]{(cols + 3) / 4, rows}, I8, packTrits(m.trits(), rows, cols)));
                out.add(floats(name + ".scale", m.scales(), 0, 1, m.scales().length));
            }
            case Linear.Binary b -> {
                BinaryMatrix m = b.w();
                ByteBuffer words = le(8 * m.words().length);
                for (long word : m.words()) {
                    words.putLong(word);
                }
                out.add(new Tensor(name + ".weight", new long[]{m.rowWords(), rows}, I64, words.array()));
                int groups = cols / m.group();
                ByteBuffer scales = le(2 * m.scales().length);
                for (float s : m.scales()) {
                    scales.putShort(Float.floatToFloat16(s));
                }
                out.add(new Tensor(name + ".scale", new long[]{groups, rows}, F16, scales.array()));
            }
        }
    }

    /**
     * Trits four a byte, row by row: byte i of a row holds trits 4i .. 4i + 3 as {@code t + 1} in bits 2k (TQ2_0's
     * 2-bit values, in row order); a row's last byte is padded with zero bits, which a reader ignores.
     */
    static byte[] packTrits(byte[] trits, int rows, int cols) {
        int rowBytes = (cols + 3) / 4;
        byte[] out = new byte[rows * rowBytes];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * rowBytes + c / 4] |= (byte) ((trits[r * cols + c] + 1) << (2 * (c % 4)));
            }
        }
        return out;
    }

    /** {@link #packTrits}'s inverse; null if a field holds 3, which no trit packs to. */
    static byte[] unpackTrits(byte[] packed, int rows, int cols) {
        int rowBytes = (cols + 3) / 4;
        byte[] out = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int code = (packed[r * rowBytes + c / 4] >> (2 * (c % 4))) & 3;
                if (code == 3) {
                    return null;
                }
                out[r * cols + c] = (byte) (code - 1);
            }
        }
        return out;
    }

    private static Tensor floats(String name, float[] a, int at, int rows, int cols) {
        ByteBuffer b = le(4 * rows * cols);
        for (int i = 0; i < rows * cols; i++) {
            b.putFloat(a[at + i]);
        }
        return new Tensor(name, rows == 1 ? new long[]{cols} : new long[]{cols, rows}, F32, b.array());
    }

    /**
     * llama2.c's tokenizer in SentencePiece's spelling (a space as U+2581), its token types as llama.cpp's converter
     * gives them (0 unknown, 1 and 2 control, {@code <0xNN>} bytes, the rest normal) and its special ids.
     */
    private static void tokenizer(Header h, Tokenizer t) {
        h.string("tokenizer.ggml.model", "llama");
        List<String> tokens = new ArrayList<>();
        int[] types = new int[t.vocab()];
        float[] scores = new float[t.vocab()];
        for (int i = 0; i < t.vocab(); i++) {
            String s = t.token(i);
            tokens.add(s.replace(' ', '\u2581'));
            scores[i] = t.score(i);
            types[i] = i == 0 ? 2 : i == Tokenizer.BOS || i == Tokenizer.EOS ? 3 : s.matches("<0x[0-9A-F]{2}>") ? 6 : 1;
        }
        h.strings("tokenizer.ggml.tokens", tokens);
        h.f32s("tokenizer.ggml.scores", scores);
        h.i32s("tokenizer.ggml.token_type", types);
        h.u32("tokenizer.ggml.bos_token_id", Tokenizer.BOS);
        h.u32("tokenizer.ggml.eos_token_id", Tokenizer.EOS);
        h.u32("tokenizer.ggml.unknown_token_id", 0);
    }

    /** The metadata section as it grows: key-value pairs in GGUF's encoding, and their count. */
    private static final class Header {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long count;

        void string(String key, String value) {
            key(key, 8);
            putString(bytes, value);
        }

        void u32(String key, int value) {
            key(key, 4);
            bytes.writeBytes(le(4).putInt(value).array());
        }

        void f32(String key, float value) {
            key(key, 6);
            bytes.writeBytes(le(4).putFloat(value).array());
        }

        void strings(String key, List<String> values) {
            array(key, 8, values.size());
            for (String v : values) {
                putString(bytes, v);
            }
        }

        void f32s(String key, float[] values) {
            array(key, 6, values.length);
            for (float v : values) {
                bytes.writeBytes(le(4).putFloat(v).array());
            }
        }

        void i32s(String key, int[] values) {
            array(key, 5, values.length);
            for (int v : values) {
                bytes.writeBytes(le(4).putInt(v).array());
            }
        }

        private void array(String key, int type, int n) {
            key(key, 9);
            bytes.writeBytes(le(12).putInt(type).putLong(n).array());
        }

        private void key(String key, int type) {
            putString(bytes, key);
            bytes.writeBytes(le(4).putInt(type).array());
            count++;
        }

        static void putString(ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(8).putLong(b.length).array());
            out.writeBytes(b);
        }
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % ALIGNMENT != 0) {
            out.write(0);
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
