package io.binaryllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.Decoder;
import io.binaryllm.kvcache.Gguf;
import io.binaryllm.kvcache.KvBudget;
import io.binaryllm.kvcache.KvEval;
import io.binaryllm.kvcache.KvPolicies;
import io.binaryllm.kvcache.LlamaConfig;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.kvcache.Sampler;
import io.binaryllm.kvcache.Tokenizer;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.runner.Progress;
import io.binaryllm.search.SearchBackends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "model-eval", mixinStandardHelpOptions = true,
        customSynopsis = {"binaryllm model-eval --model=MODEL[@PLAN] [--model=MODEL[@PLAN]...]",
                "        --text=TEXT [--tokenizer=TOKENIZER] [--sample=N] [--length=L]",
                "        [--budget=B] [--policies=NAME[,NAME...]] [--code-bits=M] [--rerank=R]",
                "        [--sink=P%%] [--recent=P%%] [--decode-tokens=N] [--speed-seconds=S]",
                "        [--generate=N] [--seed=S] [--backend=NAME] [--output=DIR]",
                "        [--debug] [-hV]"},
        description = {"Compare Llama models (float, int8, ternary, binary; llama2.c .bin or GGUF) on",
                "one held-out text: perplexity with full attention and with KV cache policies",
                "at one budget, bits a weight and file size, decode tokens a second, and a",
                "generated sample of each. The first model is the baseline of every ratio.",
                "MODEL@PLAN quantizes MODEL's float weights as kv-eval's --layers PLAN does",
                "(post-training; what a low-bit file holds low-bit is kept). Output: a new",
                "directory with metrics.json (the same bytes on rerun but its \"speeds\"",
                "section), report.md, perplexity_bits.png and perplexity_speed.png."})
final class ModelEvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", required = true, paramLabel = "MODEL[@PLAN]", description = {"A model file, optionally with a",
            "low-bit plan applied after loading (repeatable; the first is the baseline)."})
    List<String> models;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The held-out text (UTF-8), cut into windows of --length tokens.")
    Path text;

    @Option(names = "--tokenizer", paramLabel = "TOKENIZER", description = {"llama2.c's tokenizer.bin or a GGUF file's tokenizer",
            "(default: the first GGUF model's own)."})
    Path tokenizer;

    @Option(names = "--sample", defaultValue = "8", paramLabel = "N", description = "Windows of the text to score, from its start (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--length", paramLabel = "L", description = "Tokens a window (default: the context).")
    Integer length;

    @Option(names = "--budget", defaultValue = "25%", paramLabel = "B", description = {"The policies' budget: positions a query",
            "attends to, or P%% of the cached positions (default: ${DEFAULT-VALUE})."})
    String budget;

    @Option(names = "--policies", split = ",", defaultValue = "exact,binary-asym", paramLabel = "NAME",
            description = "KV cache policies measured at --budget besides full attention (kv-eval's names; default: ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(names = "--code-bits", defaultValue = "128", paramLabel = "M", description = "Bits of the binary policies' codes (default: ${DEFAULT-VALUE}).")
    int codeBits;

    @Option(names = "--rerank", defaultValue = "2", paramLabel = "R", description = "Shortlist factor of the re-ranking policies (default: ${DEFAULT-VALUE}).")
    int rerank;

    @Option(names = "--sink", defaultValue = KvEvalCommand.DEFAULT_SINK, paramLabel = "P%", description = "Share of the budget given to the first positions (default: ${DEFAULT-VALUE}).")
    String sink;

    @Option(names = "--recent", defaultValue = KvEvalCommand.DEFAULT_RECENT, paramLabel = "P%", description = "Share of the budget given to the most recent positions (default: ${DEFAULT-VALUE}).")
    String recent;

    @Option(names = "--decode-tokens", defaultValue = "256", paramLabel = "N", description = {"Tokens of a timed decoding pass (greedy, from BOS,",
            "full attention; default: ${DEFAULT-VALUE})."})
    int decodeTokens;

    @Option(names = "--speed-seconds", defaultValue = "3", paramLabel = "S", description = {"Seconds of timed passes a model, after two",
            "seconds of warm-up; the median pass counts (default: ${DEFAULT-VALUE}; 0: no speeds)."})
    double speedSeconds;

    @Option(names = "--generate", defaultValue = "64", paramLabel = "N", description = "Tokens of each model's sample (0: none; default: ${DEFAULT-VALUE}).")
    int generate;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the samples and of the random policies (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "Backend of the low-bit products and the binary policies' searches (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--output", paramLabel = "DIR", description = "Where the run directory goes (default: runs/ of the BinaryLLM home).")
    Path output;

    @Spec
    CommandSpec spec;

    /** A --model value: the file and the plan applied after loading (null: the file as it is). */
    record Source(Path file, BitLinearPlan plan) {
        /** The file with its folder (models' files share names: model.gguf) and the plan. */
        String label() {
            Path folder = file.toAbsolutePath().normalize().getParent();
            String name = (folder == null || folder.getFileName() == null ? "" : folder.getFileName() + "/") + file.getFileName();
            return name + (plan == null ? "" : " @ " + plan.toShortString());
        }
    }

    /** Reads {@code MODEL} or {@code MODEL@PLAN}: a value naming an existing file is a file, '@' and all. */
    static Source source(String value) {
        Path whole = Path.of(value);
        int at = value.lastIndexOf('@');
        if (at < 0 || Files.exists(whole)) {
            return new Source(whole, null);
        }
        try {
            return new Source(Path.of(value.substring(0, at)), BitLinearPlan.parse(value.substring(at + 1)));
        } catch (BadArgumentException e) {
            throw new BadArgumentException("model", value + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() {
        if (!backend.equals("auto") && !SearchBackends.names().contains(backend)) {
            throw new BadArgumentException("backend", "unknown backend '" + backend + "'; known: auto, " + String.join(", ", SearchBackends.names()));
        }
        if (sample < 1 || sample > 100_000) {
            throw new BadArgumentException("sample", "1 to 100000 windows, got " + sample);
        }
        if (decodeTokens < 1 || !(speedSeconds >= 0 && speedSeconds <= 3600) || generate < 0) {
            throw new BadArgumentException(decodeTokens < 1 ? "decode-tokens" : generate < 0 ? "generate" : "speed-seconds",
                    "--decode-tokens is at least 1, --speed-seconds 0 to 3600, --generate at least 0");
        }
        List<Source> sources = models.stream().map(ModelEvalCommand::source).toList();
        for (Source s : sources) {
            FileKinds.requireRegularFile(s.file());
        }
        FileKinds.requireRegularFile(text, KvEvalCommand.MAX_TEXT_BYTES, "a --text");
        Path tokens = tokenizer != null ? tokenizer : sources.stream().map(Source::file).filter(TextWindows::isGguf).findFirst()
                .orElseThrow(() -> new BadArgumentException("tokenizer", "no model is a GGUF file with its tokenizer: give --tokenizer tokenizer.bin"));
        FileKinds.requireRegularFile(tokens);
        LowBitKernels kernels = SearchBackends.lowBitKernels(backend);
        List<LlamaModel> loaded = new ArrayList<>();
        for (Source s : sources) {
            loaded.add(load(s, kernels));
        }
        LlamaConfig first = loaded.getFirst().config();
        for (int i = 1; i < loaded.size(); i++) {
            LlamaConfig c = loaded.get(i).config();
            if (c.vocab() != first.vocab()) {
                throw new BadArgumentException("model", sources.get(i).file() + " has a vocabulary of " + c.vocab() + ", the first model "
                        + first.vocab() + ": models compared on one text share a tokenizer");
            }
        }
        int context = loaded.stream().mapToInt(m -> m.config().seqLen()).min().orElseThrow();
        int len = length != null ? length : context;
        if (len < 2 || len > context) {
            throw new BadArgumentException("length", "a window is 2 to " + context + " tokens (the smallest context), got " + len);
        }
        double sinkShare = KvEvalCommand.share("sink", sink);
        double recentShare = KvEvalCommand.share("recent", recent);
        KvBudget b;
        try {
            b = KvEvalCommand.budget(budget, len, sinkShare, recentShare);
        } catch (BadArgumentException e) {
            throw new BadArgumentException("budget", e.getMessage());
        }
        KvPolicies.Options options = new KvPolicies.Options(seed, codeBits, 8, backend, rerank);
        List<String> names = new ArrayList<>(List.of("full"));
        names.addAll(policies);
        List<KvEval.PolicyAtBudget> made = new ArrayList<>();
        for (String p : names) {
            made.add(KvPolicies.byName(p, options));
        }
        try {
            for (KvEval.PolicyAtBudget p : made) { // bad bits or an unknown backend fail here, before any output
                p.at(b).open(first).close();
            }
        } catch (BadArgumentException e) {
            throw e.argument().equals("bits") ? new BadArgumentException("code-bits", e.getMessage()) : e;
        }
        Tokenizer t = TextWindows.tokenizer(tokens, first.vocab());
        int[][] windows = TextWindows.of(text, t, len, sample, "--length");
        Path parent = output != null ? output : Path.of(System.getProperty("binaryllm.home", ".")).resolve("runs");
        PrintWriter out = spec.commandLine().getOut();
        try (StagedDirectory staged = StagedDirectory.create(parent,
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-model-eval");
             Progress progress = new Progress("model-eval", (long) sources.size() * (names.size() + 2))) {
            List<ModelEvalReport.Model> rows = new ArrayList<>();
            List<ModelEvalReport.Speed> speeds = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                Source s = sources.get(i);
                LlamaModel m = loaded.get(i);
                List<KvEval.Row> kv = KvEval.run(m, windows, names, made, List.of(b), r -> progress.step(s.label() + ": " + r.policy()));
                long bytes = fileBytes(s, m, t, staged.path());
                String sample = generate == 0 ? "" : t.decode(Arrays.copyOfRange(Sampler.sample(m, 1, Math.min(generate + 1, m.config().seqLen()),
                        Tokenizer.BOS, seed)[0], 1, Math.min(generate + 1, m.config().seqLen())));
                progress.step(s.label() + ": sample");
                ModelEvalReport.Model row = ModelEvalReport.model(s.label(), m, bytes, kv, sample);
                rows.add(row);
                ModelEvalReport.Speed speed = speedSeconds == 0 ? null : speed(s.label(), m);
                progress.step(s.label() + ": speed");
                if (speed != null) {
                    speeds.add(speed);
                }
                out.printf(Locale.ROOT, "  %-40s perplexity %9.4f  %5.2f bits a weight  %s%n", s.label(), row.perplexity(), row.bitsPerWeight(),
                        speed == null ? "" : String.format(Locale.ROOT, "%.1f tokens/s", speed.tokensPerSecond()));
                out.flush();
            }
            ModelEvalReport.Metrics metrics = new ModelEvalReport.Metrics(
                    new ModelEvalReport.Windows(text.getFileName().toString(), windows.length, len, (long) windows.length * (len - 1)),
                    b.label(), KvBudget.percent(sinkShare), KvBudget.percent(recentShare), names, codeBits, seed, rows,
                    speeds.isEmpty() ? null : new ModelEvalReport.Speeds(ModelEvalReport.machine(), ModelEvalReport.decoderThreads(),
                            decodeTokens, speedSeconds, speeds));
            try {
                AtomicOutput.writeBytes(staged.path().resolve("metrics.json"), false, JSON.writeValueAsBytes(metrics));
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialise the metrics", e); // records of numbers and strings: a bug
            }
            ModelEvalReport.write(staged.path(), metrics);
            Path dir = staged.commit();
            out.printf("binaryllm model-eval: wrote %s (metrics.json, report.md, perplexity_bits.png, perplexity_speed.png)%n", dir);
        }
        return Main.OK;
    }

    /** The model of {@code s}: as the file holds it, or quantized by its plan; low-bit products by {@code kernels}. */
    private static LlamaModel load(Source s, LowBitKernels kernels) {
        LlamaModel m = LlamaModel.load(s.file());
        if (s.plan() == null) {
            return m.plan().isLowBit() ? m.withKernels(kernels) : m;
        }
        for (BitLinearPlan.Projection p : BitLinearPlan.Projection.values()) {
            BitLinearPlan.Kind held = m.plan().kind(p);
            if (held != BitLinearPlan.Kind.FLOAT && s.plan().kind(p) != held) {
                throw new BadArgumentException("model", s.file() + " is already low-bit (" + m.plan().toShortString() + "): a plan keeps its "
                        + p.key() + " " + held.key() + " (it quantizes float weights only), got " + s.plan().toShortString());
            }
        }
        return m.lowBit(s.plan(), kernels); // what the file holds low-bit is kept; the float weights are quantized
    }

    /**
     * The bytes the model takes on disk: its file's, or for a plan applied here the GGUF file {@code Gguf.write} packs
     * it into (with the tokenizer, as a file of the trainer has it), measured by writing it beside the outputs.
     */
    private static long fileBytes(Source s, LlamaModel m, Tokenizer t, Path dir) {
        try {
            if (s.plan() == null) {
                return Files.size(s.file());
            }
            Path packed = dir.resolve("packed.gguf.tmp");
            Gguf.write(packed, true, m, t);
            long bytes = Files.size(packed);
            Files.delete(packed);
            return bytes;
        } catch (IOException e) {
            throw BadInputException.in(s.file(), "cannot measure: " + FileKinds.reason(e));
        }
    }

    /**
     * Greedy decoding of --decode-tokens tokens from BOS, full attention: passes for two seconds (the JIT), then for
     * --speed-seconds; the median pass's tokens a second.
     */
    private ModelEvalReport.Speed speed(String label, LlamaModel m) {
        int n = Math.min(decodeTokens, m.config().seqLen());
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 2_000_000_000L) {
            greedy(m, n);
        }
        List<Double> rates = new ArrayList<>();
        long start = System.nanoTime();
        while (rates.size() < 3 || System.nanoTime() - start < speedSeconds * 1e9) {
            long t0 = System.nanoTime();
            greedy(m, n);
            rates.add(n / ((System.nanoTime() - t0) / 1e9));
        }
        rates.sort(null);
        return new ModelEvalReport.Speed(label, rates.get(rates.size() / 2), rates.size());
    }

    private static void greedy(LlamaModel m, int n) {
        try (Decoder d = m.decoder()) {
            int token = Tokenizer.BOS;
            for (int p = 0; p < n; p++) {
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
    }
}
