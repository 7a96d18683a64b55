import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Decoder;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.search.SearchBackends;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decoding speed of the Java decoder: a model of the given shape with seeded random weights, greedy decoding of a
 * whole context from token 1, tokens/s over REPEATS passes after one untimed pass (the JIT); or a checkpoint's own
 * weights. Usage (benchmarks/decode-speed.sh): DecodeSpeed DIM HIDDEN LAYERS HEADS KV_HEADS VOCAB SEQ_LEN [REPEATS]
 * or DecodeSpeed MODEL.bin|MODEL.gguf [REPEATS]. With -Dlayers=PLAN (kv-eval's --layers syntax), the projections are
 * quantized as the plan says and multiplied by -Dkernels=NAME's low-bit kernels (default auto). -Dtokens=N decodes the
 * first N positions a pass instead of the whole context (llama-bench's tg128 is -Dtokens=128); -Dwarmup=N untimed passes
 * first (default 1), and as many more as fill two seconds.
 */
public class DecodeSpeed {
    public static void main(String[] a) {
        boolean file = a[0].endsWith(".bin") || a[0].endsWith(".gguf");
        LlamaModel m;
        int repeats;
        if (file) {
            m = LlamaModel.load(java.nio.file.Path.of(a[0]));
            repeats = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        } else {
            LlamaConfig shape = new LlamaConfig(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                    Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]), true);
            m = LlamaModel.of(shape, weights(shape));
            repeats = a.length > 7 ? Integer.parseInt(a[7]) : 3;
        }
        String layers = System.getProperty("layers", "").isBlank() ? null : System.getProperty("layers");
        if (layers != null) {
            m = m.lowBit(BitLinearPlan.parse(layers), SearchBackends.lowBitKernels(System.getProperty("kernels", "auto")));
        } else if (m.plan().isLowBit()) { // a file's own low-bit projections, rebound to the chosen kernels
            m = m.withKernels(SearchBackends.lowBitKernels(System.getProperty("kernels", "auto")));
            layers = "file's " + m.plan();
        }
        LlamaConfig c = m.config();
        int tokens = Integer.getInteger("tokens", c.seqLen());
        // The JIT's warm-up: at least -Dwarmup passes and two seconds (a small model's few passes are over before C2
        // has compiled its loops, and their slow passes would count in the mean).
        long warmStart = System.nanoTime();
        for (int w = Integer.getInteger("warmup", 1); w > 0 || System.nanoTime() - warmStart < 2_000_000_000L; w--) {
            decode(m, tokens);
        }
        long best = Long.MAX_VALUE;
        long total = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            decode(m, tokens);
            long t = System.nanoTime() - t0;
            best = Math.min(best, t);
            total += t;
        }
        System.out.printf(Locale.ROOT, "| %d | %d | %d | %d/%d | %d | %d | %.1fM | %s | %.2f | %.1f | %.1f |%n", c.dim(), c.hiddenDim(), c.layers(),
                c.heads(), c.kvHeads(), c.vocab(), c.seqLen(), c.parameters() / 1e6, layers == null ? "float" : layers + " (" + System.getProperty("kernels", "auto") + ")",
                m.projectionBytes() / 1048576.0, tokens / (best / 1e9),
                (double) tokens * repeats / (total / 1e9));
    }

    private static void decode(LlamaModel m, int tokens) {
        Decoder d = m.decoder();
        int token = 1;
        for (int p = 0; p < tokens; p++) {
            float[] logits = d.next(token);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            token = best;
        }
    }

    /** Seeded random weights of shape {@code c} (a shared classifier), as WriteGguf's random models have them too. */
    static LlamaModel.Weights weights(LlamaConfig c) {
        SplittableRandom r = new SplittableRandom(1);
        int d = c.dim();
        int kv = c.kvDim();
        int h = c.hiddenDim();
        int l = c.layers();
        float[] embedding = fill(r, c.vocab() * d, 1.0);
        return new LlamaModel.Weights(embedding, fill(r, l * d, 1), fill(r, l * d * d, 1 / Math.sqrt(d)), fill(r, l * kv * d, 1 / Math.sqrt(d)),
                fill(r, l * kv * d, 1 / Math.sqrt(d)), fill(r, l * d * d, 1 / Math.sqrt(d)), fill(r, l * d, 1),
                fill(r, l * h * d, 1 / Math.sqrt(d)), fill(r, l * d * h, 1 / Math.sqrt(h)), fill(r, l * h * d, 1 / Math.sqrt(d)),
                fill(r, d, 1), embedding);
    }

    private static float[] fill(SplittableRandom r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((r.nextDouble() * 2 - 1) * scale * 1.7);
        }
        return x;
    }
}
