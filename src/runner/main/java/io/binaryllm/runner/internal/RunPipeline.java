package io.binaryllm.runner.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.binaryllm.BadArgumentException;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.runner.ConfigLoader;
import io.binaryllm.runner.DatasetCatalog;
import io.binaryllm.runner.Progress;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.RunMetrics;
import io.binaryllm.runner.Runner;
import io.binaryllm.runner.Sweep;
import io.binaryllm.seed.Seeds;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A run, {@link Runner}'s work: config -> dataset -> binarization -> search -> evaluation -> run directory. Everything
 * that can be wrong with the input (config, dataset, k against the corpus size, the backend) is checked before the run
 * directory exists, so a bad config leaves nothing behind, and the run directory is written hidden and renamed into
 * place when complete ({@link StagedDirectory}), so a run that fails or is killed half-way leaves no partial one. A
 * run directory is never reused: {@code runs/<yyyyMMdd-HHmmss>-<name>[-N]/} holds {@code config.resolved.yaml}, {@code metrics.json} (a pure
 * function of config and data: a rerun writes the same bytes), {@code events.jsonl} (with timings),
 * {@code report.md} and its PNG charts.
 */
public final class RunPipeline {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunPipeline() {
    }

    public static Runner.Outcome run(Path configFile, PrintWriter out) {
        return run(configFile, out, (Sweep.Executor) null);
    }

    /** A run whose variants {@code sweep} measures (on a cluster, say); null measures them here, in turn. */
    public static Runner.Outcome run(Path configFile, PrintWriter out, Sweep.Executor sweep) {
        return run(configFile, out, c -> BinaryEngine.builder().backend(c.backend()).seed(c.seed()).build(), sweep);
    }

    /** The run's engine; its argument problems (a backend unavailable here) are the config's keys' problems. */
    private static BinaryEngine openEngine(Path configFile, RunConfig config, Function<RunConfig, BinaryEngine> engines) {
        try {
            return engines.apply(config);
        } catch (BadArgumentException e) {
            throw ConfigValidator.bad(configFile, e.argument(), e.getMessage());
        }
    }

    /** Checks {@code config} (read from {@code file}) against the datasets and backends there are, as a run does first. */
    public static void validate(Path file, RunConfig config) {
        ConfigValidator.validate(file, config);
    }

    /** {@link #run(Path, PrintWriter)} with the engine {@code engines} opens for the resolved config (tests give their own). */
    static Runner.Outcome run(Path configFile, PrintWriter out, Function<RunConfig, BinaryEngine> engines) {
        return run(configFile, out, engines, null);
    }

    static Runner.Outcome run(Path configFile, PrintWriter out, Function<RunConfig, BinaryEngine> engines, Sweep.Executor sweep) {
        RunConfig parsed = ConfigLoader.load(configFile).withDefaults();
        ConfigValidator.validate(configFile, parsed);
        RunConfig.Dataset ds = parsed.dataset();
        Path base = ConfigValidator.base(configFile);
        try {
            return run(configFile, parsed, out, engines, sweep);
        } catch (BadArgumentException e) {
            // A library call's argument came from the config: name its key, not a command-line option.
            throw ConfigValidator.bad(configFile, e.argument().equals("k") ? "evaluation.k" : e.argument(), e.getMessage());
        } catch (InternalError e) {
            // A dataset file is memory-mapped for the whole run: name it if another process truncated it.
            throw MappedFaults.explain(e, ds.corpus() == null ? null : base.resolve(ds.corpus()).toString(),
                    ds.queries() == null ? null : base.resolve(ds.queries()).toString());
        }
    }

    private static Runner.Outcome run(Path configFile, RunConfig parsed, PrintWriter out, Function<RunConfig, BinaryEngine> engines,
                                      Sweep.Executor sweep) {
        RunConfig.Dataset ds = parsed.dataset();
        try (Dataset data = DatasetCatalog.load(ds, ConfigValidator.base(configFile))) {
            // NaN or infinity would surface only inside the evaluation, after the run directory exists: check now.
            data.corpus().vectors().requireFinite();
            data.queries().vectors().requireFinite();
            long n = data.corpus().vectors().rows();
            if (data.corpus().vectors().dims() != data.queries().vectors().dims()) {
                throw ConfigValidator.bad(configFile, "dataset", "queries have " + data.queries().vectors().dims()
                        + " dimensions, the corpus " + data.corpus().vectors().dims());
            }
            List<Integer> ks = parsed.evaluation().k();
            for (int i = 0; i < ks.size(); i++) {
                if (ks.get(i) > n) {
                    throw ConfigValidator.bad(configFile, "evaluation.k[" + i + "]", "k=" + ks.get(i) + " exceeds the corpus size " + n);
                }
            }
            requireProjectionsFit(configFile, parsed, data.corpus().vectors().dims());
            RunConfig.Classification cl = parsed.evaluation().classification();
            boolean hasLabels = data.corpus().labels().isPresent();
            if (Boolean.TRUE.equals(cl.enabled()) && !hasLabels) {
                throw ConfigValidator.bad(configFile, "evaluation.classification.enabled", "the dataset has no labels");
            }
            boolean classify = cl.enabled() == null ? hasLabels : cl.enabled();
            if (classify && n < 2) {
                throw ConfigValidator.bad(configFile, "evaluation.classification", "needs at least 2 corpus rows to split");
            }
            RunConfig config = new RunConfig(parsed.name(), parsed.seed(), parsed.backend(), parsed.dataset(), parsed.variants(),
                    new RunConfig.Evaluation(ks, parsed.evaluation().metrics(), parsed.evaluation().recallKPrime(),
                            new RunConfig.Classification(classify, cl.neighbours(), cl.testFraction())), parsed.output());
            try (BinaryEngine engine = openEngine(configFile, config, engines);
                 StagedDirectory staged = StagedDirectory.create(Path.of(config.output().dir()), runName(config.name()))) {
                RunMetrics metrics;
                try (EventLog events = new EventLog(staged.path().resolve("events.jsonl"));
                     Progress progress = new Progress(config.name(), config.variants().size() + 3L)) {
                    metrics = execute(new Job(config, configFile, data, engine, classify, sweep), new Sinks(staged.path(), events, out, progress));
                }
                Path dir = staged.commit();
                out.printf("binaryllm run: wrote %s (metrics.json, report.md)%n", dir);
                out.flush();
                return new Runner.Outcome(dir, metrics);
            }
        }
    }

    /** The measurements, written with the report into {@code dir} (the staging directory, renamed when complete). */
    /**
     * A hyperplane projection the heap cannot hold, or osq bits that are not 1, 2 or 4 a dimension, are the config's
     * bits' problem, found before the run starts.
     */
    private static void requireProjectionsFit(Path configFile, RunConfig config, int dims) {
        for (int i = 0; i < config.variants().size(); i++) {
            RunConfig.Variant v = config.variants().get(i);
            if (v.quantized()) {
                if (v.bits() != null && (v.bits() % dims != 0 || !OsqCodes.documentBits(v.bits() / dims))) {
                    throw ConfigValidator.bad(configFile, "variants[" + i + "].bits", "osq keeps 1, 2 or 4 bits a dimension: for "
                            + dims + "-dim vectors bits is " + dims + ", " + 2 * dims + " or " + 4 * dims + ", got " + v.bits());
                }
                continue;
            }
            if (Binarizers.create(v.binarizer(), v.bits(), new Seeds(v.seed())) instanceof HyperplaneBinarizer h) {
                try {
                    h.requireFits(dims);
                } catch (BadArgumentException e) {
                    throw ConfigValidator.bad(configFile, "variants[" + i + "]." + e.argument(), e.getMessage());
                }
            }
        }
    }

    /**
     * What a run works on: its resolved config (read from {@code configFile}), the dataset, the engine, whether it
     * classifies, and where its variants are measured (null: here, in turn).
     */
    private record Job(RunConfig config, Path configFile, Dataset data, BinaryEngine engine, boolean classify, Sweep.Executor sweep) {
    }

    /** Where a run writes: its (staged) directory, its event log, the terminal and the progress bar. */
    private record Sinks(Path dir, EventLog events, PrintWriter out, Progress progress) {
    }

    private static RunMetrics execute(Job job, Sinks sinks) {
        RunConfig config = job.config();
        Dataset data = job.data();
        BinaryEngine engine = job.engine();
        boolean classify = job.classify();
        Path dir = sinks.dir();
        EventLog events = sinks.events();
        PrintWriter out = sinks.out();
        Progress progress = sinks.progress();
        AtomicOutput.writeBytes(dir.resolve("config.resolved.yaml"), false, ConfigLoader.toYaml(config).getBytes(StandardCharsets.UTF_8));
        var corpus = data.corpus();
        var queries = data.queries();
        events.log("start", "run", config.name(), "backend", engine.backendName(), "dataset", corpus.name(),
                "corpus_rows", corpus.vectors().rows(), "query_rows", queries.vectors().rows(), "dims", corpus.vectors().dims());
        Evaluator eval = new Evaluator(config, corpus, queries, engine);
        List<String> wanted = config.evaluation().metrics();
        boolean hasQrels = queries.qrels().isPresent() && wanted.contains("retrieval");

        RunMetrics.DatasetSummary dataset = new RunMetrics.DatasetSummary(corpus.name(), corpus.vectors().rows(),
                queries.vectors().rows(), corpus.vectors().dims(), queries.qrels().isPresent(), corpus.labels().isPresent());

        long t0 = System.nanoTime();
        out.printf("binaryllm run %s: float baseline (exact cosine) on %d x %d ...%n", config.name(), corpus.vectors().rows(), queries.vectors().rows());
        out.flush();
        long[][] floatTop = eval.floatTop();
        int[][] split = classify ? eval.split() : null;
        RunMetrics.FloatMetrics floatMetrics = new RunMetrics.FloatMetrics(corpus.vectors().dims() * Float.BYTES,
                hasQrels ? eval.retrieval(floatTop) : null, classify ? eval.classifyFloat(split) : null);
        events.log("float_baseline", "seconds", (System.nanoTime() - t0) / 1e9);
        progress.step("float baseline");

        Measured measured = new Measured(hasQrels, sinks);
        // Measured elsewhere, variants come back in config order; the throughput is measured here on the first.
        List<Sweep.Measured> remote = job.sweep() == null ? null : job.sweep().measureAll(new Sweep.Plan(ConfigLoader.toYaml(config),
                job.configFile().toAbsolutePath().toString(), floatTop, split), config.variants().size());
        // The first variant's codes stay for the throughput measurement; every variant's are closed, whatever throws.
        VariantRuns.Workload first = null;
        Throughput throughput;
        try {
            for (int i = 0; i < config.variants().size(); i++) {
                RunConfig.Variant v = config.variants().get(i);
                long start = System.nanoTime();
                if (remote != null) {
                    Sweep.Measured m = remote.get(i);
                    measured.add(v, m.metrics(), m.distanceFractions());
                    events.log("variant", "name", v.name(), "bits", m.metrics().bits(), "measured", "by the sweep executor");
                    if (i == 0) {
                        first = VariantRuns.run(v, eval, split).workload();
                    }
                    continue;
                }
                VariantRuns.VariantRun run = VariantRuns.run(v, eval, split);
                try {
                    RunMetrics.VariantMetrics m = VariantRuns.measured(run, eval, floatTop, hasQrels);
                    events.log("variant", "name", v.name(), "bits", m.bits(), "encode_seconds", (run.encoded() - start) / 1e9,
                            "search_seconds", (run.searched() - run.encoded()) / 1e9, "evaluate_seconds", (System.nanoTime() - run.searched()) / 1e9);
                    measured.add(v, m, run.distanceFractions());
                    if (first == null) {
                        first = run.workload();
                    }
                } finally {
                    if (run.workload() != first) {
                        run.workload().close();
                    }
                }
            }
            throughput = Throughput.measure(first, events);
            progress.step("throughput");
        } finally {
            if (first != null) {
                first.close();
            }
        }
        RunMetrics metrics = new RunMetrics(config.name(), dataset, config.evaluation().k(), config.evaluation().recallKPrime(),
                floatMetrics, measured.variants);
        try {
            AtomicOutput.writeBytes(dir.resolve("metrics.json"), false, JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the metrics", e); // records of numbers and strings: a bug
        }
        Report.write(dir, config, metrics, measured.distanceFractions, throughput);
        progress.step("report");
        events.log("done", "seconds", (System.nanoTime() - t0) / 1e9);
        return metrics;
    }

    /** The measured variants in config order and their distances for the histogram, told to the terminal as they come. */
    private static final class Measured {
        final List<RunMetrics.VariantMetrics> variants = new ArrayList<>();
        final Map<String, double[]> distanceFractions = new LinkedHashMap<>();
        private final boolean hasQrels;
        private final Sinks sinks;

        Measured(boolean hasQrels, Sinks sinks) {
            this.hasQrels = hasQrels;
            this.sinks = sinks;
        }

        /** A measured variant into the lists, the progress bar and the terminal. */
        void add(RunConfig.Variant v, RunMetrics.VariantMetrics m, double[] fractions) {
            variants.add(m);
            if (fractions != null) {
                distanceFractions.put(v.name(), fractions);
            }
            sinks.progress().step(v.name());
            sinks.out().printf("  %-24s %5d bits  %s%n", v.name(), m.bits(), summary(m, hasQrels));
            sinks.out().flush();
        }
    }

    /**
     * Variant {@code index} of the run {@code plan} describes, measured in this JVM (an executor's): the dataset
     * loaded here from the config's own paths, the float baseline and split as the plan carries them. The same
     * entry of {@code metrics.json}, byte for byte, as the run measures itself.
     */
    public static Sweep.Measured measure(Sweep.Plan plan, int index) {
        RunConfig config = ConfigLoader.fromYaml(plan.configYaml());
        RunConfig.Dataset ds = config.dataset();
        Path configFile = Path.of(plan.configFile());
        try (Dataset data = DatasetCatalog.load(ds, ConfigValidator.base(configFile));
             BinaryEngine engine = BinaryEngine.builder().backend(config.backend()).seed(config.seed()).build()) {
            Evaluator eval = new Evaluator(config, data.corpus(), data.queries(), engine);
            boolean hasQrels = data.queries().qrels().isPresent() && config.evaluation().metrics().contains("retrieval");
            VariantRuns.VariantRun run = VariantRuns.run(config.variants().get(index), eval, plan.split()); // no split: no classification
            try (VariantRuns.Workload w = run.workload()) {
                return new Sweep.Measured(VariantRuns.measured(run, eval, plan.floatTop(), hasQrels), run.distanceFractions());
            }
        }
    }

    /** One line for the terminal: overlap and nDCG at every k (after rescoring, for rescored variants). */
    private static String summary(RunMetrics.VariantMetrics m, boolean hasQrels) {
        StringBuilder s = new StringBuilder();
        Map<String, Double> overlap = m.rescored() ? m.overlapRescored() : m.overlap();
        if (overlap != null) {
            overlap.forEach((k, v) -> s.append(String.format("overlap@%s %.3f  ", k, v)));
        }
        if (hasQrels) {
            (m.rescored() ? m.retrievalRescored() : m.retrieval()).forEach((k, v) -> s.append(String.format("nDCG@%s %.3f  ", k, v.ndcg())));
        }
        return s.toString().strip();
    }

    /** {@code <yyyyMMdd-HHmmss>-<name>}: the run directory's name ({@link StagedDirectory} adds -2, -3... if taken). */
    static String runName(String name) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + name;
    }
}
