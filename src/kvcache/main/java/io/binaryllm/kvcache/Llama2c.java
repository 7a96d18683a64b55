package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.AtomicOutput;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * llama2.c's checkpoint format ({@code run.c}, export version 0): seven little-endian int32s {@code dim, hidden_dim,
 * n_layers, n_heads, n_kv_heads, vocab_size, seq_len} (a negative vocab_size means the classifier is stored, not
 * shared), then float32 tensors in this order: token embeddings, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3,
 * rms_final, two unused rotary tables (seq_len x head_size / 2 each), and the classifier when not shared. The file
 * must be exactly that long. A file that starts with the magic "ak42" is the int8 export (version 2, {@link #writeQ8}).
 */
public final class Llama2c {
    private static final int HEADER_BYTES = 7 * Integer.BYTES;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String[] FIELDS = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};

    private Llama2c() {
    }

    /** Reads {@code file}; a bad header, a shape that overflows or a file of the wrong length is refused naming it. */
    public static LlamaModel read(Path file) {
        FileKinds.requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw BadInputException.in(file, "truncated: " + size + " bytes, a llama2.c header is 28");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining() && ch.read(header) >= 0) {
                // fill the header
            }
            if (header.getInt(0) == Llama2cQ8.MAGIC) {
                return Llama2cQ8.read(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena), size);
            }
            int[] h = new int[7];
            for (int i = 0; i < 7; i++) {
                h[i] = header.getInt(i * Integer.BYTES);
            }
            LlamaConfig config;
            try {
                config = new LlamaConfig(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[6], h[5] > 0);
            } catch (BadArgumentException e) {
                throw BadInputException.in(file, "header " + e.getMessage() + " (" + headerText(h) + ")");
            }
            long floats = floats(config);
            long expected = HEADER_BYTES + floats * Float.BYTES;
            if (size != expected) {
                throw BadInputException.in(file, (size < expected ? "truncated" : (size - expected) + " bytes too many") + ": the header ("
                        + headerText(h) + ") needs " + expected + " bytes, the file has " + size);
            }
            LlamaModel.requireHeapFor(file, config);
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return LlamaModel.of(config, weights(file, config, data));
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }

    private static String headerText(int[] h) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            s.append(i == 0 ? "" : ", ").append(FIELDS[i]).append('=').append(h[i]);
        }
        return s.toString();
    }

    /** Floats after the header. */
    private static long floats(LlamaConfig c) {
        long d = c.dim();
        long l = c.layers();
        long kv = c.kvDim();
        long hid = c.hiddenDim();
        long v = c.vocab();
        return v * d + l * d + l * d * d + 2 * l * kv * d + l * d * d + l * d + 3 * l * hid * d + d
                + (long) c.seqLen() * c.headSize() + (c.sharedClassifier() ? 0 : v * d);
    }

    private static LlamaModel.Weights weights(Path file, LlamaConfig c, MemorySegment data) {
        long[] at = {HEADER_BYTES};
        int d = c.dim();
        int kv = c.kvDim();
        int h = c.hiddenDim();
        int l = c.layers();
        float[] embedding = take(file, "token_embedding_table", data, at, (long) c.vocab() * d);
        float[] rmsAtt = take(file, "rms_att_weight", data, at, (long) l * d);
        float[] wq = take(file, "wq", data, at, (long) l * d * d);
        float[] wk = take(file, "wk", data, at, (long) l * kv * d);
        float[] wv = take(file, "wv", data, at, (long) l * kv * d);
        float[] wo = take(file, "wo", data, at, (long) l * d * d);
        float[] rmsFfn = take(file, "rms_ffn_weight", data, at, (long) l * d);
        float[] w1 = take(file, "w1", data, at, (long) l * h * d);
        float[] w2 = take(file, "w2", data, at, (long) l * d * h);
        float[] w3 = take(file, "w3", data, at, (long) l * h * d);
        float[] rmsFinal = take(file, "rms_final_weight", data, at, d);
        at[0] += (long) c.seqLen() * c.headSize() * Float.BYTES; // the two legacy rotary tables: recomputed, not read
        float[] classifier = c.sharedClassifier() ? embedding : take(file, "wcls", data, at, (long) c.vocab() * d);
        return new LlamaModel.Weights(embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier);
    }

    private static float[] take(Path file, String tensor, MemorySegment data, long[] at, long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw BadInputException.in(file, "tensor " + tensor + " holds " + count + " floats, more than one Java array (2^31 - 9)");
        }
        float[] out = new float[(int) count];
        MemorySegment.copy(data, F32, at[0], out, 0, out.length);
        at[0] += count * Float.BYTES;
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw BadInputException.in(file, "tensor " + tensor + " element " + i + " is " + out[i]);
            }
        }
        return out;
    }

    /**
     * Writes {@code model} as llama2.c's int8 checkpoint (export version 2, {@code runq.c}'s): every matrix in int8
     * with a float32 scale a group of {@code groupSize} values (64 in llama2.c; it must divide dim and hidden_dim),
     * the norms in float32; a quarter of the float file. {@link #read} gives the dequantized weights.
     */
    public static void writeQ8(Path target, boolean overwrite, LlamaModel model, int groupSize) {
        Llama2cQ8.write(target, overwrite, model, groupSize);
    }

    /** Writes {@code model} to {@code target} (not over an existing file unless {@code overwrite}), complete or not at all. */
    public static void write(Path target, boolean overwrite, LlamaModel model) {
        LlamaConfig c = model.config();
        if (c.rmsEps() != LlamaConfig.LLAMA2C_EPS || c.ropeTheta() != LlamaConfig.LLAMA2C_THETA) {
            throw new BadArgumentException("model", "llama2.c's format has no field for an epsilon of " + c.rmsEps()
                    + " or a rotary base of " + c.ropeTheta() + " (it means 1e-5 and 10000)");
        }
        if ((long) c.seqLen() * c.headSize() > Integer.MAX_VALUE) {
            throw new BadArgumentException("model", "llama2.c's file holds rotary tables of seq_len x head_size floats, "
                    + (long) c.seqLen() * c.headSize() + " for a context of " + c.seqLen() + ": more than its int arithmetic"
                    + " (run.c's) indexes; write GGUF (Gguf.write) instead");
        }
        LlamaModel.Weights w = model.weights();
        long floats = floats(c);
        MemoryBudget.requireOffHeapFor("model", HEADER_BYTES + floats * Float.BYTES, "a llama2.c file of " + (HEADER_BYTES + floats * Float.BYTES)
                + " bytes, assembled in memory");
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.layers()).putInt(c.heads()).putInt(c.kvHeads())
                .putInt(c.sharedClassifier() ? c.vocab() : -c.vocab()).putInt(c.seqLen());
        try (Arena arena = Arena.ofConfined(); AtomicOutput out = AtomicOutput.open(target, overwrite)) {
            MemorySegment all = arena.allocate(HEADER_BYTES + floats * Float.BYTES);
            MemorySegment.copy(header.array(), 0, all, ValueLayout.JAVA_BYTE, 0, HEADER_BYTES);
            long at = HEADER_BYTES;
            for (float[] t : new float[][]{w.embedding(), w.rmsAtt(), w.wq(), w.wk(), w.wv(), w.wo(), w.rmsFfn(), w.w1(), w.w2(),
                    w.w3(), w.rmsFinal()}) {
                MemorySegment.copy(t, 0, all, F32, at, t.length);
                at += (long) t.length * Float.BYTES;
            }
            at += (long) c.seqLen() * c.headSize() * Float.BYTES; // the legacy rotary tables: zeros (the arena's memory is)
            if (!c.sharedClassifier()) {
                MemorySegment.copy(w.classifier(), 0, all, F32, at, w.classifier().length);
            }
            out.write(all.asByteBuffer());
            out.commit();
        }
    }
}
