import io.binaryllm.kvcache.KvPolicies;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Perplexity;
import io.binaryllm.kvcache.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Java decoder's held-out perplexity over the windows the trainer evaluates (consecutive context + 1 tokens of the
 * held-out text after BOS), to set beside training.json's PyTorch figure. Usage: HeldOutPerplexity MODEL.bin
 * TOKENIZER.bin HELD_OUT.txt
 */
public class HeldOutPerplexity {
    public static void main(String[] a) throws Exception {
        LlamaModel m = LlamaModel.load(Path.of(a[0]));
        int window = m.config().seqLen() + 1;
        int[] tokens = Tokenizer.read(Path.of(a[1]), m.config().vocab()).encode(Files.readString(Path.of(a[2])), true);
        int windows = tokens.length / window;
        double nats = 0;
        for (int w = 0; w < windows; w++) {
            nats += Math.log(Perplexity.of(m, KvPolicies.full(), Arrays.copyOfRange(tokens, w * window, (w + 1) * window)));
        }
        System.out.printf(Locale.ROOT, "%d tokens, %d windows of %d: loss %.6f nats a token, perplexity %.4f%n", tokens.length,
                windows, window, nats / windows, Math.exp(nats / windows));
    }
}
