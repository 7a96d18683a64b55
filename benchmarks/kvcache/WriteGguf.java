import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.lowbit.LowBitKernels;

import java.nio.file.Path;

/**
 * Writes a model as GGUF with its tokenizer, its projections quantized by PLAN first ("float" for none). MODEL is a
 * checkpoint, or random:DIM,HIDDEN,LAYERS,HEADS,KV_HEADS,VOCAB,SEQ_LEN for DecodeSpeed's seeded random weights of that
 * shape. TOKENIZER "synthetic" makes a tokenizer of the model's vocabulary for speed runs: llama2.c's three specials,
 * the 256 byte tokens, then tokens t259, t260, ... Usage: WriteGguf MODEL TOKENIZER.bin|synthetic OUT.gguf PLAN
 */
public class WriteGguf {
    static Tokenizer synthetic(int vocab) {
        java.util.List<String> tokens = new java.util.ArrayList<>(java.util.List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        while (tokens.size() < vocab) {
            tokens.add("t" + tokens.size());
        }
        return Tokenizer.of(tokens, new float[vocab]);
    }

    public static void main(String[] a) {
        LlamaModel m;
        if (a[0].startsWith("random:")) {
            int[] v = java.util.Arrays.stream(a[0].substring(7).split(",")).mapToInt(Integer::parseInt).toArray();
            LlamaConfig c = new LlamaConfig(v[0], v[1], v[2], v[3], v[4], v[5], v[6], true);
            m = LlamaModel.of(c, DecodeSpeed.weights(c));
        } else {
            m = LlamaModel.load(Path.of(a[0]));
        }
        if (!a[3].equals("float")) {
            m = m.lowBit(BitLinearPlan.parse(a[3]), LowBitKernels.java());
        }
        Gguf.write(Path.of(a[2]), true, m, a[1].equals("synthetic") ? synthetic(m.config().vocab()) : Tokenizer.read(Path.of(a[1]), m.config().vocab()));
        System.out.println("wrote " + a[2] + " (" + m.plan() + ")");
    }
}
