import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Decoder;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.search.SearchBackends;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Java decoder's perplexity under llama.cpp's llama-perplexity rule, to set beside its "Final estimate": the text
 * tokenized whole after BOS, cut into chunks of N_CTX tokens (at most CHUNKS), each chunk's first token replaced by
 * BOS, and only the second half scored: the logits at positions N_CTX/2 .. N_CTX-2 against the next token. Also
 * writes the text's token ids (one a line, BOS first) to IDS_OUT for a comparison with llama-tokenize. Usage:
 * LlamaCppPerplexity MODEL TOKENIZER(.bin|.gguf) TEXT N_CTX CHUNKS IDS_OUT, with -Dlayers=PLAN -Dkernels=NAME as
 * DecodeSpeed takes them.
 */
public class LlamaCppPerplexity {
    public static void main(String[] a) throws Exception {
        LlamaModel m = LlamaModel.load(Path.of(a[0]));
        String layers = System.getProperty("layers", "");
        if (!layers.isBlank()) {
            m = m.lowBit(BitLinearPlan.parse(layers), SearchBackends.lowBitKernels(System.getProperty("kernels", "auto")));
        } else if (m.plan().isLowBit()) { // a file's own low-bit projections, rebound to the chosen kernels
            m = m.withKernels(SearchBackends.lowBitKernels(System.getProperty("kernels", "auto")));
        }
        Path tok = Path.of(a[1]);
        Tokenizer t = tok.toString().endsWith(".gguf") ? Gguf.readTokenizer(tok) : Tokenizer.read(tok, m.config().vocab());
        int[] tokens = t.encode(Files.readString(Path.of(a[2])), true);
        int nCtx = Integer.parseInt(a[3]);
        int chunks = Math.min(Integer.parseInt(a[4]), tokens.length / nCtx);
        StringBuilder ids = new StringBuilder();
        for (int id : tokens) {
            ids.append(id).append('\n');
        }
        Files.writeString(Path.of(a[5]), ids);
        int first = nCtx / 2;
        double nll = 0;
        long count = 0;
        for (int c = 0; c < chunks; c++) {
            int[] chunk = Arrays.copyOfRange(tokens, c * nCtx, (c + 1) * nCtx);
            chunk[0] = Tokenizer.BOS;
            Decoder d = m.decoder();
            for (int j = 0; j < nCtx - 1; j++) {
                float[] logits = d.next(chunk[j]);
                if (j >= first) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (float v : logits) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (float v : logits) {
                        sum += Math.exp(v - max);
                    }
                    nll += -(logits[chunk[j + 1]] - max - Math.log(sum));
                    count++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d tokens, %d chunks of %d, %d scored: PPL = %.4f%n", tokens.length, chunks, nCtx, count,
                Math.exp(nll / count));
    }
}
