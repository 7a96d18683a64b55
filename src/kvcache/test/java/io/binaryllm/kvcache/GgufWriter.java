package io.binaryllm.kvcache;

import io.binaryllm.lowbit.TernaryFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a llama model as a GGUF version 3 file, as llama.cpp lays one out: norms in F32, matrices in F32, F16 or
 * Q8_0 (blocks of 32: an F16 scale max|x| / 127 and 32 int8s). {@link #rounded} gives the weights those types keep,
 * for the same model in llama2.c's format.
 */
final class GgufWriter {
    static final int F32 = 0;
    static final int F16 = 1;
    static final int Q4_0 = 2;
    static final int Q8_0 = 8;
    static final int TQ1_0 = 34;
    static final int TQ2_0 = 35;

    private GgufWriter() {
    }

    /** What a matrix in {@code type} holds of {@code x}. */
    static float[] rounded(float[] x, int type) {
        float[] out = x.clone();
        if (type == F16) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            }
        } else if (type == TQ1_0 || type == TQ2_0) {
            for (int b = 0; b < out.length; b += TernaryFormat.BLOCK) {
                byte[] t = llamaCppTrits(x, b);
                float d = Float.float16ToFloat(Float.floatToFloat16(amax(x, b)));
                for (int i = 0; i < TernaryFormat.BLOCK; i++) {
                    out[b + i] = t[i] * d;
                }
            }
        } else if (type == Q4_0) {
            for (int b = 0; b < out.length; b += 32) {
                float d = Float.float16ToFloat(Float.floatToFloat16(q4Scale(x, b)));
                byte[] q = q4(x, b);
                for (int i = 0; i < 32; i++) {
                    out[b + i] = (q[i] - 8) * d;
                }
            }
        } else if (type == Q8_0) {
            for (int b = 0; b < out.length; b += 32) {
                float amax = 0;
                for (int i = b; i < b + 32; i++) {
                    amax = Math.max(amax, Math.abs(x[i]));
                }
                float scale = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                for (int i = b; i < b + 32; i++) {
                    out[i] = scale * quant(x[i], scale);
                }
            }
        }
        return out;
    }

    /** llama.cpp's quantize_row_tq*_0_ref: d = max |x| of the block, trit = lroundf(x * (1 / d)) (half away from zero). */
    private static byte[] llamaCppTrits(float[] x, int from) {
        float amax = amax(x, from);
        float id = amax != 0 ? 1.0f / amax : 0.0f;
        byte[] t = new byte[TernaryFormat.BLOCK];
        for (int i = 0; i < t.length; i++) {
            float v = x[from + i] * id;
            t[i] = (byte) (Math.signum(v) * Math.round(Math.abs(v)));
        }
        return t;
    }

    private static float amax(float[] x, int from) {
        float amax = 0;
        for (int i = from; i < from + TernaryFormat.BLOCK; i++) {
            amax = Math.max(amax, Math.abs(x[i]));
        }
        return amax;
    }

    /** llama.cpp's quantize_row_q4_0_ref: d = (the value of largest magnitude, signed) / -8. */
    private static float q4Scale(float[] x, int from) {
        float amax = 0;
        float max = 0;
        for (int i = from; i < from + 32; i++) {
            if (amax < Math.abs(x[i])) {
                amax = Math.abs(x[i]);
                max = x[i];
            }
        }
        return max / -8;
    }

    /** Its 4-bit values: min(15, (int8) (x * (1 / d) + 8.5f)), as llama.cpp computes them from the float d. */
    private static byte[] q4(float[] x, int from) {
        float d = q4Scale(x, from);
        float id = d != 0 ? 1.0f / d : 0.0f;
        byte[] q = new byte[32];
        for (int i = 0; i < 32; i++) {
            q[i] = (byte) Math.min(15, (byte) (x[from + i] * id + 8.5f));
        }
        return q;
    }

    private static byte quant(float v, float scale) {
        return scale == 0 ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(v / scale)));
    }

    /** The model with its matrices rounded as {@code type} keeps them (norms stay F32). */
    static LlamaModel rounded(LlamaModel m, int type) {
        LlamaModel.Weights w = m.weights();
        float[] embedding = rounded(w.embedding(), type);
        return LlamaModel.of(m.config(), new LlamaModel.Weights(embedding, w.rmsAtt(), rounded(w.wq(), type), rounded(w.wk(), type),
                rounded(w.wv(), type), rounded(w.wo(), type), w.rmsFfn(), rounded(w.w1(), type), rounded(w.w2(), type),
                rounded(w.w3(), type), w.rmsFinal(), m.config().sharedClassifier() ? embedding : rounded(w.classifier(), type)));
    }

    private record Tensor(String name, long[] dims, int type, byte[] bytes) {
    }

    static void write(Path file, LlamaModel m, int type) throws IOException {
        write(file, m, type, "llama", null, null, null);
    }

    /**
     * With another architecture name, or without the tensor {@code skip} (files a reader must refuse), and with
     * {@code tokens} and {@code scores} as {@code tokenizer.ggml.*} (SentencePiece spelling: U+2581 for a space) when
     * not null.
     */
    static void write(Path file, LlamaModel m, int type, String arch, String skip, List<String> tokens, float[] scores) throws IOException {
        LlamaConfig c = m.config();
        LlamaModel.Weights w = m.weights();
        int d = c.dim();
        int kv = c.kvDim();
        int h = c.hiddenDim();
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(matrix("token_embd.weight", w.embedding(), 0, c.vocab(), d, type));
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            tensors.add(vector(p + "attn_norm.weight", w.rmsAtt(), l * d, d));
            tensors.add(matrix(p + "attn_q.weight", w.wq(), l * d * d, d, d, type));
            tensors.add(matrix(p + "attn_k.weight", w.wk(), l * kv * d, kv, d, type));
            tensors.add(matrix(p + "attn_v.weight", w.wv(), l * kv * d, kv, d, type));
            tensors.add(matrix(p + "attn_output.weight", w.wo(), l * d * d, d, d, type));
            tensors.add(vector(p + "ffn_norm.weight", w.rmsFfn(), l * d, d));
            tensors.add(matrix(p + "ffn_gate.weight", w.w1(), l * h * d, h, d, type));
            tensors.add(matrix(p + "ffn_down.weight", w.w2(), l * d * h, d, h, type));
            tensors.add(matrix(p + "ffn_up.weight", w.w3(), l * h * d, h, d, type));
        }
        tensors.add(vector("output_norm.weight", w.rmsFinal(), 0, d));
        if (!c.sharedClassifier()) {
            tensors.add(matrix("output.weight", w.classifier(), 0, c.vocab(), d, type));
        }
        tensors.removeIf(t -> t.name().equals(skip));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(le(4).putInt(0x46554747).array());
        out.write(le(4).putInt(3).array());
        out.write(le(8).putLong(tensors.size()).array());
        out.write(le(8).putLong(tokens == null ? 9 : 12).array());
        string(out, "general.architecture");
        out.write(le(4).putInt(8).array());
        string(out, arch);
        u32(out, "llama.embedding_length", d);
        u32(out, "llama.feed_forward_length", h);
        u32(out, "llama.block_count", c.layers());
        u32(out, "llama.attention.head_count", c.heads());
        u32(out, "llama.attention.head_count_kv", c.kvHeads());
        u32(out, "llama.context_length", c.seqLen());
        string(out, "llama.attention.layer_norm_rms_epsilon");
        out.write(le(4).putInt(6).array());
        out.write(le(4).putFloat(c.rmsEps()).array());
        string(out, "llama.rope.freq_base");
        out.write(le(4).putInt(6).array());
        out.write(le(4).putFloat((float) c.ropeTheta()).array());
        if (tokens != null) {
            string(out, "tokenizer.ggml.model");
            out.write(le(4).putInt(8).array());
            string(out, "llama");
            string(out, "tokenizer.ggml.tokens");
            out.write(le(4).putInt(9).array());
            out.write(le(4).putInt(8).array());
            out.write(le(8).putLong(tokens.size()).array());
            for (String t : tokens) {
                string(out, t);
            }
            string(out, "tokenizer.ggml.scores");
            out.write(le(4).putInt(9).array());
            out.write(le(4).putInt(6).array());
            out.write(le(8).putLong(scores.length).array());
            for (float f : scores) {
                out.write(le(4).putFloat(f).array());
            }
        }
        long offset = 0;
        for (Tensor t : tensors) {
            string(out, t.name());
            out.write(le(4).putInt(t.dims().length).array());
            for (long dim : t.dims()) {
                out.write(le(8).putLong(dim).array());
            }
            out.write(le(4).putInt(t.type()).array());
            out.write(le(8).putLong(offset).array());
            offset = align(offset + t.bytes().length);
        }
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        for (Tensor t : tensors) {
            out.write(t.bytes());
            while (out.size() % 32 != 0) {
                out.write(0);
            }
        }
        Files.write(file, out.toByteArray());
    }

    private static long align(long n) {
        return (n + 31) / 32 * 32;
    }

    private static Tensor vector(String name, float[] a, int at, int n) {
        ByteBuffer b = le(4 * n);
        for (int i = 0; i < n; i++) {
            b.putFloat(a[at + i]);
        }
        return new Tensor(name, new long[]{n}, F32, b.array());
    }

    private static Tensor matrix(String name, float[] a, int at, int rows, int cols, int type) {
        int n = rows * cols;
        ByteBuffer b;
        if (type == F32) {
            b = le(4 * n);
            for (int i = 0; i < n; i++) {
                b.putFloat(a[at + i]);
            }
        } else if (type == F16) {
            b = le(2 * n);
            for (int i = 0; i < n; i++) {
                b.putShort(Float.floatToFloat16(a[at + i]));
            }
        } else if (type == Q4_0) {
            b = le(n / 32 * 18);
            for (int blk = 0; blk < n; blk += 32) {
                byte[] q = q4(a, at + blk);
                b.putShort(Float.floatToFloat16(q4Scale(a, at + blk)));
                for (int j = 0; j < 16; j++) {
                    b.put((byte) (q[j] | q[j + 16] << 4));
                }
            }
        } else if (type == TQ1_0 || type == TQ2_0) {
            TernaryFormat format = type == TQ1_0 ? TernaryFormat.TQ1_0 : TernaryFormat.TQ2_0;
            byte[] packed = new byte[n / TernaryFormat.BLOCK * format.blockBytes()];
            for (int blk = 0; blk < n; blk += TernaryFormat.BLOCK) {
                format.pack(llamaCppTrits(a, at + blk), 0, amax(a, at + blk), packed, blk / TernaryFormat.BLOCK * format.blockBytes());
            }
            b = ByteBuffer.wrap(packed);
        } else {
            b = le(n / 32 * 34);
            for (int blk = 0; blk < n; blk += 32) {
                float amax = 0;
                for (int i = blk; i < blk + 32; i++) {
                    amax = Math.max(amax, Math.abs(a[at + i]));
                }
                short s16 = Float.floatToFloat16(amax / 127f);
                float scale = Float.float16ToFloat(s16);
                b.putShort(s16);
                for (int i = blk; i < blk + 32; i++) {
                    b.put(quant(a[at + i], scale));
                }
            }
        }
        return new Tensor(name, new long[]{cols, rows}, type, b.array());
    }

    private static void string(ByteArrayOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(le(8).putLong(b.length).array());
        out.write(b);
    }

    private static void u32(ByteArrayOutputStream out, String key, int v) throws IOException {
        string(out, key);
        out.write(le(4).putInt(4).array());
        out.write(le(4).putInt(v).array());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
