package io.binaryllm.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.kvcache.BitLinearPlan;
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
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "kv-eval", mixinStandardHelpOptions = true,
        // picocli would break [--budgets=B[,B...]]... at its comma
        customSynopsis = {"binaryllm kv-eval --model=MODEL [--text=TEXT [--tokenizer=TOKENIZER]]",
                "        [--sample=N] [--length=L] [--first=TOKEN] [--seed=S]",
                "        [--budgets=B[,B...]] [--sink=P%%] [--recent=P%%]",
                "        [--policies=NAME[,NAME...]] [--code-bits=M] [--rerank=R] [--page=P]",
                "        [--layers=PLAN] [--backend=NAME] [--output=DIR] [--debug] [-hV]"},
        description = {"Evaluate KV cache policies (and low-bit layers) on a Llama model, llama2.c .bin or GGUF.",
                "For every policy and budget: teacher-forced perplexity and what the selection keeps of exact attention",
                "(mass, top-B recall, output error). Sequences are drawn from the model itself (seeded, temperature 1), or cut from --text",
                "through --tokenizer; their tokens are written to tokens.npy. Output: a new directory with metrics.json (same bytes on rerun), report.md,",
                "perplexity.png and attention_mass.png."})
final class KvEvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The longest --text read: its tokens are held in memory, and a novel is a megabyte. */
    static final long MAX_TEXT_BYTES = 256L << 20;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "llama2.c checkpoint or GGUF file.")
    Path model;

    @Option(names = "--sample", defaultValue = "4", paramLabel = "N",
            description = "Sequences to draw, or with --text the most windows to take (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--text", paramLabel = "TEXT", description = "Evaluate on this UTF-8 text instead, cut into windows of --length tokens.")
    Path text;

    @Option(names = "--tokenizer", paramLabel = "TOKENIZER", description = {"For --text: llama2.c's tokenizer.bin or a GGUF file's",
            "tokenizer (default for a GGUF model: its own)."})
    Path tokenizer;

    @Option(names = "--length", paramLabel = "L", description = "Tokens a sequence (default: the context, at most 256).")
    Integer length;

    @Option(names = "--first", paramLabel = "TOKEN", description = "First token of every sampled sequence (default: 1, llama2.c's BOS).")
    Integer first;

    /** The first token of sampled sequences, and of --text's windows (BOS). */
    private int firstToken() {
        return first != null ? first : Tokenizer.BOS;
    }

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the sampling and of the random policy (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--budgets", split = ",", paramLabel = "B", description = {"Positions a query attends to, or a share of the cached",
            "positions at every step as P%% (default: L/8, L/4, L/2)."})
    List<String> budgets;

    @Option(names = "--policies", split = ",", defaultValue = "full,window,random,pages,binary,binary-asym", paramLabel = "NAME",
            description = {"full, exact (the oracle: top q.k), window, random, pages, binary (sign codes), binary-hyperplane, binary-centred and",
                    "binary-hyperplane-centred (keys coded on their mean), binary-asym (QJL), binary-rerank and",
                    "binary-hyperplane-rerank (a Hamming shortlist re-ranked by exact q.k) (default: ${DEFAULT-VALUE})."})
    List<String> policies;

    @Option(names = "--code-bits", defaultValue = "64", paramLabel = "M",
            description = "Bits of binary-hyperplane's codes and binary-asym's projections (default: ${DEFAULT-VALUE}).")
    int codeBits;

    @Option(names = "--rerank", defaultValue = "2", paramLabel = "R", description = {"binary-rerank and binary-hyperplane-rerank: the",
            "Hamming shortlist is R times a step's picks, re-ranked by exact q.k (default: ${DEFAULT-VALUE})."})
    int rerank;

    @Option(names = "--page", defaultValue = "8", paramLabel = "P", description = "Positions a page of the pages policy (default: ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "Backend of the binary policies' searches and of --layers' products (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--layers", paramLabel = "PLAN", description = {"Low-bit projections, quantized from the model's float weights",
            "(post-training): target=kind pairs, e.g. all=ternary or all=binary-signs,down=binary or mlp=ternary,embedding=int8",
            "(targets: q k v o gate up down attention mlp all embedding classifier; kinds: float ternary binary binary-signs,",
            "int8), multiplied by --backend's low-bit kernels (auto: native, else cpu). Default: the float model."})
    String layers;

    @Option(names = "--output", paramLabel = "DIR", description = "Where the run directory goes (default: runs/ of the BinaryLLM home).")
    Path output;

    @Spec
    CommandSpec spec;

    @Option(names = "--sink", defaultValue = DEFAULT_SINK, paramLabel = "P%", description = {"Share of every step's budget given",
            "to the first positions, inside it (default: ${DEFAULT-VALUE})."})
    String sink;

    @Option(names = "--recent", defaultValue = DEFAULT_RECENT, paramLabel = "P%", description = {"Share of every step's budget given",
            "to the most recent positions, inside it (default: ${DEFAULT-VALUE})."})
    String recent;

    static final String DEFAULT_SINK = "0%";
    static final String DEFAULT_RECENT = "37.5%";

    /** A --sink or --recent share, checked. */
    static double share(String option, String value) {
        Double p = KvBudget.parsePercent(value);
        if (p == null || !(p >= 0 && p <= 1)) {
            throw new BadArgumentException(option, "a share of the budget from 0% to 100%, like 6.25%, got '" + value + "'");
        }
        return p;
    }

    /**
     * A --budgets entry: N positions, or P% of the cached positions at every step; either way its first and most
     * recent positions are the --sink and --recent shares of it, inside it.
     */
    static KvBudget budget(String spec, int len, double sinkShare, double recentShare) {
        if (!KvBudget.sharesFit(sinkShare, recentShare)) {
            throw new BadArgumentException("recent", "--sink and --recent together take at most the whole budget, got "
                    + KvBudget.percent(sinkShare) + " and " + KvBudget.percent(recentShare));
        }
        String s = spec.strip();
        Double share = KvBudget.parsePercent(s);
        if (s.endsWith("%")) {
            if (share == null || !(share > 0 && share <= 1)) {
                throw new BadArgumentException("budgets", "a share is more than 0% and at most 100%, got " + spec);
            }
            return KvBudget.share(share, sinkShare, recentShare);
        }
        try {
            int b = Integer.parseInt(s);
            if (b < 2 || b > len) {
                throw new BadArgumentException("budgets", "budgets are 2 to the sequence length " + len + ", got " + b);
            }
            KvBudget scaled = KvBudget.share(1, sinkShare, recentShare); // the shares of B, rounded as a share's are
            return KvBudget.positions(b, scaled.sinkAt(b), scaled.recentAt(b));
        } catch (NumberFormatException e) {
            throw new BadArgumentException("budgets", "a budget is a number of positions or a share like 25%, got '" + spec + "'");
        }
    }

    @Override
    public Integer call() {
        if (!backend.equals("auto") && !SearchBackends.names().contains(backend)) {
            throw new BadArgumentException("backend", "unknown backend '" + backend + "'; known: auto, " + String.join(", ", SearchBackends.names()));
        }
        if (text != null && first != null) {
            throw new BadArgumentException("first", "--first is the first token of sampled sequences; windows of --text start with BOS");
        }
        BitLinearPlan plan = null;
        if (layers != null) {
            try {
                plan = BitLinearPlan.parse(layers);
            } catch (BadArgumentException e) {
                throw new BadArgumentException("layers", e.getMessage());
            }
        }
        if (text != null) { // before the model loads: a wrong text is found in a moment, not after a large model's read
            FileKinds.requireRegularFile(text, MAX_TEXT_BYTES, "a --text");
        }
        if (tokenizer != null) {
            FileKinds.requireRegularFile(tokenizer);
        }
        LlamaModel m = LlamaModel.load(model);
        if (plan != null) {
            LowBitKernels kernels = SearchBackends.lowBitKernels(backend);
            try {
                m = m.lowBit(plan, kernels);
            } catch (BadArgumentException e) {
                throw new BadArgumentException("layers", e.getMessage());
            }
        }
        LlamaConfig c = m.config();
        int len = length != null ? length : Math.min(c.seqLen(), 256);
        if (len < 2 || len > c.seqLen()) {
            throw new BadArgumentException("length", "a sequence is 2 to " + c.seqLen() + " tokens (the model's context), got " + len);
        }
        if (sample < 1 || sample > 100_000) {
            throw new BadArgumentException("sample", "1 to 100000 sequences, got " + sample);
        }
        // the sequences' tokens and one decoder's keys and values (float, every layer), refused before they are made
        MemoryBudget.requireHeapFor("length", MemoryBudget.sum(MemoryBudget.bytes(sample, len, Integer.BYTES),
                MemoryBudget.bytes(2, c.layers(), len, c.kvDim(), Float.BYTES)), sample + " sequences of " + len + " tokens and their cache");
        List<String> specs = budgets != null ? budgets
                : List.of(String.valueOf(Math.max(2, len / 8)), String.valueOf(Math.max(2, len / 4)), String.valueOf(Math.max(2, len / 2)));
        double sinkShare = share("sink", sink);
        double recentShare = share("recent", recent);
        List<KvBudget> bs = specs.stream().map(b -> budget(b, len, sinkShare, recentShare)).toList();
        if (text == null && tokenizer != null) {
            throw new BadArgumentException("tokenizer", "a tokenizer is for --text");
        }
        if (text != null && tokenizer == null && !isGguf(model)) {
            throw new BadArgumentException("tokenizer", "--text with a llama2.c model needs --tokenizer tokenizer.bin");
        }
        List<KvEval.PolicyAtBudget> made = new ArrayList<>();
        KvPolicies.Options options = new KvPolicies.Options(seed, codeBits, page, backend, rerank);
        for (String p : policies) {
            made.add(KvPolicies.byName(p, options));
        }
        try {
            for (KvEval.PolicyAtBudget p : made) { // an unknown backend or bad bits fail here, before any output
                p.at(bs.getFirst()).open(c).close();
            }
        } catch (BadArgumentException e) { // the library's argument is this command's --code-bits
            throw e.argument().equals("bits") ? new BadArgumentException("code-bits", e.getMessage()) : e;
        }
        Path parent = output != null ? output : Path.of(System.getProperty("binaryllm.home", ".")).resolve("runs");
        PrintWriter out = spec.commandLine().getOut();
        try (StagedDirectory staged = StagedDirectory.create(parent,
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-kv-eval");
             Progress progress = new Progress("kv-eval", 1L + (long) policies.size() * bs.size())) {
            int[][] tokens = text == null ? Sampler.sample(m, sample, len, firstToken(), seed) : windows(c, len);
            progress.step(tokens.length + " x " + len + " tokens");
            List<KvEval.Row> rows = KvEval.run(m, tokens, policies, made, bs, r -> {
                progress.step(r.policy() + " @ " + r.budget().label());
                out.printf(Locale.ROOT, "  %-18s budget %4s  perplexity %9.4f  mass %.4f  recall %.4f  error %.4f%n", r.policy(), r.budget().label(),
                        r.perplexity(), r.mass(), r.recall(), r.outputError());
                out.flush();
            });
            write(staged.path(), m, tokens, bs, rows);
            Path dir = staged.commit();
            out.printf("binaryllm kv-eval: wrote %s (metrics.json, report.md, tokens.npy)%n", dir);
        }
        return Main.OK;
    }

    /** The text's tokens (after BOS) in consecutive windows of {@code len}, at most {@link #sample} of them. */
    private int[][] windows(LlamaConfig c, int len) {
        return TextWindows.of(text, TextWindows.tokenizer(tokenizer != null ? tokenizer : model, c.vocab()), len, sample, "--length");
    }

    private static boolean isGguf(Path file) {
        return TextWindows.isGguf(file);
    }

    private void write(Path dir, LlamaModel m, int[][] tokens, List<KvBudget> bs, List<KvEval.Row> rows) {
        LlamaConfig c = m.config();
        boolean lowBit = m.plan().isLowBit();
        Metrics metrics = new Metrics(new ModelInfo(model.getFileName().toString(), c, c.parameters(),
                lowBit ? m.plan().toString() : null, lowBit ? m.projectionBytes() : null),
                new Sequences(text == null ? "sampled from the model" : "text " + text.getFileName(), tokens.length,
                        tokens[0].length, firstToken(), seed),
                bs.stream().map(KvBudget::label).toList(), KvBudget.percent(share("sink", sink)) + " of each step's budget",
                KvBudget.percent(share("recent", recent)) + " of each step's budget",
                bs.stream().map(b -> b.selectingSteps(tokens[0].length)).toList(), rows);
        try {
            AtomicOutput.writeBytes(dir.resolve("metrics.json"), false, JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the metrics", e); // records of numbers and strings: a bug
        }
        int[] flat = new int[tokens.length * tokens[0].length];
        for (int s = 0; s < tokens.length; s++) {
            System.arraycopy(tokens[s], 0, flat, s * tokens[0].length, tokens[0].length);
        }
        Npy.write(dir.resolve("tokens.npy"), false, NpyDtype.I4, Npy.le(flat), tokens.length, tokens[0].length);
        KvEvalReport.write(dir, model.getFileName().toString() + (lowBit ? " with " + m.plan() : ""), c, tokens.length, tokens[0].length,
                text == null ? "drawn from the model (seed " + seed + ")" : "cut from " + text.getFileName(),
                KvBudget.percent(share("sink", sink)), KvBudget.percent(share("recent", recent)), rows);
    }

    /**
     * What {@code metrics.json} holds, in this order.
     *
     * @param sink           the first positions of every step's budget, inside it, in words
     * @param recent         its most recent positions, likewise
     * @param selectingSteps each budget's steps of a sequence at which a policy selects (the cached positions outnumber
     *                       the budget): attention mass, recall and output error are their means
     */
    record Metrics(ModelInfo model, Sequences sequences, List<String> budgets, String sink, String recent,
                   List<Integer> selectingSteps, List<KvEval.Row> rows) {
    }

    /**
     * The model measured: its file, shape and parameter count; with --layers, the plan (every projection named) and
     * the bytes its seven projections hold (absent for the float model).
     */
    record ModelInfo(String file, LlamaConfig config, long parameters, @JsonInclude(JsonInclude.Include.NON_NULL) String layers,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Long projectionBytes) {
    }

    /** The token windows measured: where they came from, how many, how long. */
    record Sequences(String source, int count, int length, int first, long seed) {
    }

}
