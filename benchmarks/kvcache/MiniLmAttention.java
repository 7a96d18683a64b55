import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.binaryllm.kvcache.AttentionEval;
import io.binaryllm.kvcache.BertEncoder;
import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.KvPolicies;
import io.binaryllm.kvcache.KvPolicy;
import io.binaryllm.kvcache.SelectionStats;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cache policies on real attention: all-MiniLM-L6-v2's queries, keys and values (computed in Java from its ONNX
 * weights) over WordNet noun glosses packed into windows of 256 tokens ([CLS] 254 tokens [SEP]); each policy keeps
 * BUDGET positions of each query's, without and with a causal mask. Usage (benchmarks/minilm-attention.sh):
 * MiniLmAttention WINDOWS BUDGET
 */
public class MiniLmAttention {
    public static void main(String[] a) throws Exception {
        int windows = Integer.parseInt(a[0]);
        int budget = Integer.parseInt(a[1]);
        Path onnx = Files.createTempFile("minilm", ".onnx");
        try (InputStream in = MiniLmAttention.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, onnx, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        BertEncoder encoder = BertEncoder.readOnnx(onnx, 12);
        Files.delete(onnx);
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = MiniLmAttention.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of());
        }
        List<int[]> packed = windows(tokenizer, windows);
        for (boolean causal : new boolean[]{false, true}) {
            int recent = causal ? budget / 4 : 0;
            Map<String, KvPolicy> policies = new LinkedHashMap<>();
            policies.put("window", KvPolicies.window(budget, 1));
            policies.put("random", KvPolicies.random(budget, 1, recent, 7));
            policies.put("pages (16)", KvPolicies.pages(budget, 1, recent, 16));
            policies.put("binary sign (32 bits)", KvPolicies.binary(KvBudget.positions(budget, 1, recent), "sign", null, 0, "auto"));
            policies.put("binary hyperplane (128 bits)", KvPolicies.binary(KvBudget.positions(budget, 1, recent), "hyperplane", 128, 0, "auto"));
            policies.put("binary-asym (64 bits + norm)", KvPolicies.binaryAsym(budget, 1, recent, 64, 0));
            Map<String, SelectionStats> stats = new LinkedHashMap<>();
            policies.keySet().forEach(p -> stats.put(p, new SelectionStats(encoder.layers(), encoder.heads())));
            for (int[] ids : packed) {
                encoder.forward(ids, (layer, q, k, v) -> policies.forEach((name, p) ->
                        AttentionEval.measure(stats.get(name), new AttentionEval.Layer(layer, encoder.heads(), q, k, v), p, causal)));
            }
            System.out.printf(Locale.ROOT, "%n### %s attention, budget %d of 256 (sink 1, recent %d)%n%n", causal ? "Causal" : "Bidirectional",
                    budget, recent);
            System.out.println("| policy | attention mass | top-B recall | output error |");
            System.out.println("|---|---|---|---|");
            stats.forEach((name, s) -> System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", name, s.meanMass(), s.meanRecall(),
                    s.meanOutputError()));
            SelectionStats sign = stats.get("binary sign (32 bits)");
            System.out.printf(Locale.ROOT, "%nbinary sign, attention mass by layer (rows) and head (columns):%n%n| layer |");
            for (int h = 0; h < encoder.heads(); h++) {
                System.out.print(" " + h + " |");
            }
            System.out.println();
            System.out.println("|---".repeat(encoder.heads() + 1) + "|");
            for (int l = 0; l < encoder.layers(); l++) {
                System.out.print("| " + l + " |");
                for (int h = 0; h < encoder.heads(); h++) {
                    System.out.printf(Locale.ROOT, " %.2f |", sign.mass(l, h));
                }
                System.out.println();
            }
        }
    }

    /** Noun glosses of WordNet 3.0 (Debian's wordnet-base), tokenized without special tokens, packed in order. */
    private static List<int[]> windows(HuggingFaceTokenizer tokenizer, int count) throws Exception {
        List<int[]> out = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/usr/share/wordnet/data.noun"))) {
            int bar = line.indexOf(" | ");
            if (line.startsWith("  ") || bar < 0) {
                continue;
            }
            for (long id : tokenizer.encode(line.substring(bar + 3).strip(), false, false).getIds()) {
                current.add((int) id);
                if (current.size() == 254) {
                    int[] w = new int[256];
                    w[0] = 101; // [CLS]
                    for (int i = 0; i < 254; i++) {
                        w[i + 1] = current.get(i);
                    }
                    w[255] = 102; // [SEP]
                    out.add(w);
                    current.clear();
                    if (out.size() == count) {
                        return out;
                    }
                }
            }
        }
        return out;
    }
}
