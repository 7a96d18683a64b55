package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.AtomicOutput;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * llama2.c's int8 checkpoint (export version 2, read by {@code runq.c}): a 256-byte header (uint32 magic "ak42",
 * int32 version 2, the seven int32 shape fields with a positive vocab_size, a uint8 shared-classifier flag, an int32
 * group size, zeros), the RMSNorm weights in float32 (rms_att, rms_ffn, rms_final), then each matrix (the token
 * embeddings, then wq, wk, wv, wo, w1, w2, w3 layer by layer, then the classifier when not shared) as int8 values
 * followed by one float32 scale a group of {@code groupSize} values: w = q * scale, q = round(w / scale) (ties to
 * even), scale = max|w| / 127 over the group. The decoder reads the weights dequantized to float (run.c's float
 * arithmetic on them, not runq.c's int8 products), so a model of a quarter of the size gives logits as exact and
 * reproducible as any float model's.
 */
final class Llama2cQ8 {
    static final int MAGIC = 0x616b3432;
    private static final int HEADER_BYTES = 256;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Llama2cQ8() {
    }

    /** The model in {@code data} (the whole file, {@code size} bytes, starting with the magic). */
    static LlamaModel read(Path file, MemorySegment data, long size) {
        if (size < HEADER_BYTES) {
            throw BadInputException.in(file, "truncated: " + size + " bytes, an int8 llama2.c header is 256");
        }
        int version = data.get(I32, 4);
        if (version != 2) {
            throw BadInputException.in(file, "llama2.c export version " + version + " is not read here (version 0 float32 and 2 int8 are)");
        }
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) {
            h[i] = data.get(I32, 8 + 4L * i);
        }
        boolean shared = data.get(ValueLayout.JAVA_BYTE, 36) != 0;
        int group = data.get(I32, 37);
        LlamaConfig c;
        try {
            c = new LlamaConfig(h[0], h[1], h[2], h[3], h[4], h[5], h[6], shared);
        } catch (BadArgumentException e) {
            throw BadInputException.in(file, "header " + e.getMessage());
        }
        if (group < 1 || c.dim() % group != 0 || c.hiddenDim() % group != 0) {
            throw BadInputException.in(file, "group size " + group + " does not divide dim " + c.dim() + " and hidden_dim " + c.hiddenDim());
        }
        long expected = HEADER_BYTES + Float.BYTES * ((long) 2 * c.layers() * c.dim() + c.dim()) + quantizedBytes(c, group);
        if (size != expected) {
            throw BadInputException.in(file, (size < expected ? "truncated" : (size - expected) + " bytes too many")
                    + ": the header needs " + expected + " bytes, the file has " + size);
        }
        LlamaModel.requireHeapFor(file, c);
        long[] at = {HEADER_BYTES};
        int d = c.dim();
        int kv = c.kvDim();
        int hid = c.hiddenDim();
        int l = c.layers();
        float[] rmsAtt = floats(data, at, l * d);
        float[] rmsFfn = floats(data, at, l * d);
        float[] rmsFinal = floats(data, at, d);
        float[] embedding = dequantize(file, "token_embedding_table", data, at, (long) c.vocab() * d, group, 1);
        float[] wq = dequantize(file, "wq", data, at, (long) d * d, group, l);
        float[] wk = dequantize(file, "wk", data, at, (long) kv * d, group, l);
        float[] wv = dequantize(file, "wv", data, at, (long) kv * d, group, l);
        float[] wo = dequantize(file, "wo", data, at, (long) d * d, group, l);
        float[] w1 = dequantize(file, "w1", data, at, (long) hid * d, group, l);
        float[] w2 = dequantize(file, "w2", data, at, (long) d * hid, group, l);
        float[] w3 = dequantize(file, "w3", data, at, (long) hid * d, group, l);
        float[] classifier = shared ? embedding : dequantize(file, "wcls", data, at, (long) c.vocab() * d, group, 1);
        for (float[] t : new float[][]{rmsAtt, rmsFfn, rmsFinal, embedding, wq, wk, wv, wo, w1, w2, w3, classifier}) {
            for (float v : t) {
                if (!Float.isFinite(v)) {
                    throw BadInputException.in(file, "a weight or scale is " + v);
                }
            }
        }
        return LlamaModel.of(c, new LlamaModel.Weights(embedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier));
    }

    private static long quantizedBytes(LlamaConfig c, int group) {
        long d = c.dim();
        long l = c.layers();
        long values = c.vocab() * d + l * (2 * d * d + 2 * (long) c.kvDim() * d + 3 * (long) c.hiddenDim() * d)
                + (c.sharedClassifier() ? 0 : c.vocab() * d);
        // a tensor's groups never straddle tensors: every tensor's size is a multiple of the group (dim and hidden_dim are)
        return values + values / group * Float.BYTES;
    }

    private static float[] floats(MemorySegment data, long[] at, int n) {
        float[] out = new float[n];
        MemorySegment.copy(data, F32, at[0], out, 0, n);
        at[0] += (long) n * Float.BYTES;
        return out;
    }

    /** {@code tensors} consecutive tensors of {@code each} values, each as int8 values then its scales. */
    private static float[] dequantize(Path file, String tensor, MemorySegment data, long[] at, long each, int group, int tensors) {
        if (each * tensors > Integer.MAX_VALUE - 8) {
            throw BadInputException.in(file, "tensor " + tensor + " holds " + each * tensors + " values, more than one Java array (2^31 - 9)");
        }
        float[] out = new float[(int) (each * tensors)];
        for (int t = 0; t < tensors; t++) {
            long q = at[0];
            long s = q + each;
            for (long i = 0; i < each; i++) {
                float scale = data.get(F32, s + i / group * Float.BYTES);
                out[(int) (t * each + i)] = data.get(ValueLayout.JAVA_BYTE, q + i) * scale;
            }
            at[0] = s + each / group * Float.BYTES;
        }
        return out;
    }

    /** Writes {@code model} quantized in groups of {@code group} (a divisor of dim and hidden_dim), complete or not at all. */
    static void write(Path target, boolean overwrite, LlamaModel model, int group) {
        LlamaConfig c = model.config();
        if (group < 1 || c.dim() % group != 0 || c.hiddenDim() % group != 0) {
            throw new BadArgumentException("groupSize", "a group size divides dim " + c.dim() + " and hidden_dim " + c.hiddenDim() + ", got " + group);
        }
        if (c.rmsEps() != LlamaConfig.LLAMA2C_EPS || c.ropeTheta() != LlamaConfig.LLAMA2C_THETA) {
            throw new BadArgumentException("model", "llama2.c's format has no field for an epsilon of " + c.rmsEps()
                    + " or a rotary base of " + c.ropeTheta() + " (it means 1e-5 and 10000)");
        }
        LlamaModel.Weights w = model.weights();
        long bytes = HEADER_BYTES + Float.BYTES * ((long) 2 * c.layers() * c.dim() + c.dim()) + quantizedBytes(c, group);
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new BadArgumentException("model", "an int8 checkpoint of " + bytes + " bytes is more than this writer's one 2 GB buffer");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(2).putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.layers()).putInt(c.heads()).putInt(c.kvHeads())
                .putInt(c.vocab()).putInt(c.seqLen()).put((byte) (c.sharedClassifier() ? 1 : 0)).putInt(group);
        b.position(HEADER_BYTES);
        for (float[] t : new float[][]{w.rmsAtt(), w.rmsFfn(), w.rmsFinal()}) {
            for (float v : t) {
                b.putFloat(v);
            }
        }
        int d = c.dim();
        int kv = c.kvDim();
        int hid = c.hiddenDim();
        quantize(b, w.embedding(), c.vocab() * d, group);
        for (int[] m : new int[][]{{0, d * d}, {1, kv * d}, {2, kv * d}, {3, d * d}, {4, hid * d}, {5, d * hid}, {6, hid * d}}) {
            float[] all = new float[][]{w.wq(), w.wk(), w.wv(), w.wo(), w.w1(), w.w2(), w.w3()}[m[0]];
            for (int l = 0; l < c.layers(); l++) {
                quantize(b, Arrays.copyOfRange(all, l * m[1], (l + 1) * m[1]), m[1], group);
            }
        }
        if (!c.sharedClassifier()) {
            quantize(b, w.classifier(), c.vocab() * d, group);
        }
        AtomicOutput.writeBytes(target, overwrite, b.array());
    }

    /** One tensor: its int8 values, then a scale a group (llama2.c's export.py: max|w| / 127, round half to even). */
    private static void quantize(ByteBuffer b, float[] t, int n, int group) {
        float[] scales = new float[n / group];
        for (int g = 0; g < scales.length; g++) {
            float max = 0;
            for (int i = g * group; i < (g + 1) * group; i++) {
                max = Math.max(max, Math.abs(t[i]));
            }
            float scale = max / 127.0f;
            scales[g] = scale;
            for (int i = g * group; i < (g + 1) * group; i++) {
                b.put(scale == 0 ? 0 : (byte) Math.rint(t[i] / scale));
            }
        }
        for (float s : scales) {
            b.putFloat(s);
        }
    }
}
