package io.binaryllm.runner.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.binaryllm.BadArgumentException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.runner.ConfigLoader;
import io.binaryllm.runner.DatasetCatalog;
import io.binaryllm.runner.Progress;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.RunMetrics;
import io.binaryllm.runner.Runner;
import io.binaryllm.runner.Sweep;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
                    metrics = execute(config, data, engine, staged.path(), events, classify, out, progress, sweep, configFile);
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

    private static RunMetrics execute(RunConfig config, Dataset data, BinaryEngine engine, Path dir, EventLog events,
                                               boolean classify, PrintWriter out, Progress progress, Sweep.Executor sweep, Path configFile) {
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

        List<RunMetrics.VariantMetrics> variants = new ArrayList<>();
        Map<String, double[]> distanceFractions = new LinkedHashMap<>();
        // Measured elsewhere, variants come back in config order; the throughput is measured here on the first.
        List<Sweep.Measured> remote = sweep == null ? null : sweep.measureAll(new Sweep.Plan(ConfigLoader.toYaml(config),
                configFile.toAbsolutePath().toString(), floatTop, split), config.variants().size());
        // The first variant's codes stay for the throughput measurement; every variant's are closed, whatever throws.
        Workload first = null;
        Throughput throughput;
        try {
            for (int i = 0; i < config.variants().size(); i++) {
                RunConfig.Variant v = config.variants().get(i);
                long start = System.nanoTime();
                if (remote != null) {
                    Sweep.Measured m = remote.get(i);
                    record(v, m.metrics(), m.distanceFractions(), variants, distanceFractions, hasQrels, out, progress);
                    events.log("variant", "name", v.name(), "bits", m.metrics().bits(), "measured", "by the sweep executor");
                    if (i == 0) {
                        first = variantRun(v, eval, engine, corpus.vectors(), queries.vectors(), classify, split).workload();
                    }
                    continue;
                }
                VariantRun run = variantRun(v, eval, engine, corpus.vectors(), queries.vectors(), classify, split);
                try {
                    RunMetrics.VariantMetrics m = measured(run, eval, floatTop, wanted, hasQrels);
                    events.log("variant", "name", v.name(), "bits", m.bits(), "encode_seconds", (run.encoded() - start) / 1e9,
                            "search_seconds", (run.searched() - run.encoded()) / 1e9, "evaluate_seconds", (System.nanoTime() - run.searched()) / 1e9);
                    record(v, m, run.distanceFractions(), variants, distanceFractions, hasQrels, out, progress);
                    if (first == null) {
                        first = run.workload();
                    }
                } finally {
                    if (run.workload() != first) {
                        run.workload().close();
                    }
                }
            }
            throughput = throughput(first, events);
            progress.step("throughput");
        } finally {
            if (first != null) {
                first.close();
            }
        }
        RunMetrics metrics = new RunMetrics(config.name(), dataset, config.evaluation().k(), config.evaluation().recallKPrime(),
                floatMetrics, variants);
        try {
            AtomicOutput.writeBytes(dir.resolve("metrics.json"), false, JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the metrics", e); // records of numbers and strings: a bug
        }
        Report.write(dir, config, metrics, distanceFractions, throughput);
        progress.step("report");
        events.log("done", "seconds", (System.nanoTime() - t0) / 1e9);
        return metrics;
    }

    private static VariantRun variantRun(RunConfig.Variant v, Evaluator eval, BinaryEngine engine, FloatEmbeddingBatch corpus,
                                         FloatEmbeddingBatch queries, boolean classify, int[][] split) {
        return v.quantized() ? quantized(v, eval, corpus, queries, classify, split) : binarized(v, eval, engine, corpus, queries, classify, split);
    }

    /** A variant's entry of {@code metrics.json}: its head, then the metrics asked for. */
    private static RunMetrics.VariantMetrics measured(VariantRun run, Evaluator eval, long[][] floatTop, List<String> wanted,
                                                      boolean hasQrels) {
        Head h = run.head();
        Evaluator.BinaryRun r = run.run();
        boolean rescored = r.rescored() != null;
        return new RunMetrics.VariantMetrics(h.name(), h.binarizer(), h.bits(), h.bytesPerVector(), h.seed(), h.rescore(),
                h.queryBits(),
                wanted.contains("overlap") ? eval.overlap(floatTop, r.top()) : null,
                wanted.contains("recall_in_k_prime") ? eval.recallOfFloat(floatTop, r.top()) : null,
                hasQrels ? eval.retrieval(r.top()) : null,
                hasQrels && rescored ? eval.retrieval(r.rescored()) : null,
                rescored && wanted.contains("overlap") ? eval.overlap(floatTop, r.rescored()) : null,
                run.classification());
    }

    /** A measured variant into the run's lists, the progress bar and the terminal. */
    private static void record(RunConfig.Variant v, RunMetrics.VariantMetrics m, double[] fractions, List<RunMetrics.VariantMetrics> variants,
                               Map<String, double[]> distanceFractions, boolean hasQrels, PrintWriter out, Progress progress) {
        variants.add(m);
        if (fractions != null) {
            distanceFractions.put(v.name(), fractions);
        }
        progress.step(v.name());
        out.printf("  %-24s %5d bits  %s%n", v.name(), m.bits(), summary(m, hasQrels));
        out.flush();
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
        boolean classify = Boolean.TRUE.equals(config.evaluation().classification().enabled());
        try (Dataset data = DatasetCatalog.load(ds, ConfigValidator.base(configFile));
             BinaryEngine engine = BinaryEngine.builder().backend(config.backend()).seed(config.seed()).build()) {
            Evaluator eval = new Evaluator(config, data.corpus(), data.queries(), engine);
            boolean hasQrels = data.queries().qrels().isPresent() && config.evaluation().metrics().contains("retrieval");
            VariantRun run = variantRun(config.variants().get(index), eval, engine, data.corpus().vectors(), data.queries().vectors(),
                    classify, plan.split());
            try (Workload w = run.workload()) {
                return new Sweep.Measured(measured(run, eval, plan.floatTop(), config.evaluation().metrics(), hasQrels), run.distanceFractions());
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

    /** Search speed of every available backend on the first variant's codes, each checked against the run's result. */
    record Throughput(List<String> backends, List<Double> mpairs, int bits) {
    }

    private static Throughput throughput(Workload workload, EventLog events) {
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            try (b) {
                if (!b.availability().available()) {
                    events.log("throughput_skipped", "backend", b.name(), "reason", b.availability().detail());
                    continue;
                }
                Object r = workload.search().apply(b); // also warms the JIT
                if (!r.equals(workload.expected())) {
                    throw new IllegalStateException(b.name() + " differs from the run's backend on " + workload.what());
                }
                long start = System.nanoTime();
                workload.search().apply(b);
                double seconds = (System.nanoTime() - start) / 1e9;
                double mpairs = (double) workload.pairs() / seconds / 1e6;
                names.add(b.name());
                rates.add(mpairs);
                events.log("throughput", "backend", b.name(), "seconds", seconds, "mpairs_per_second", mpairs, "identical", true);
            }
        }
        return new Throughput(names, rates, workload.bits());
    }

    /**
     * One variant's search as the throughput measurement repeats it on every backend: the codes (closed with it),
     * the search, and the run's answer that every backend must give.
     */
    record Workload(String what, long pairs, int bits, Function<SearchBackend, Object> search, Object expected,
                    AutoCloseable... codes) implements AutoCloseable {
        @Override
        public void close() {
            for (AutoCloseable c : codes) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing codes failed", e); // off-heap memory: closing does not fail
                }
            }
        }
    }

    /** A variant's measurements so far, its searches, and what the throughput measurement would repeat. */
    private record VariantRun(Head head, Evaluator.BinaryRun run, RunMetrics.ClassificationScores classification,
                              double[] distanceFractions, Workload workload, long encoded, long searched) {
    }

    /** A binarizer's variant: codes for corpus and queries, Hamming top-k, kNN on codes. */
    private static VariantRun binarized(RunConfig.Variant v, Evaluator eval, BinaryEngine engine, FloatEmbeddingBatch corpus,
                                        FloatEmbeddingBatch queries, boolean classify, int[][] split) {
        Binarizer b = Binarizers.create(v.binarizer(), v.bits(), new Seeds(v.seed()));
        Binarized bc = engine.encode(b, corpus);
        Binarized bq = null;
        try {
            bq = engine.encode(b, queries);
            long encoded = System.nanoTime();
            Evaluator.BinaryRun r = eval.search(v, bc.codes(), bq.codes());
            long searched = System.nanoTime();
            Head h = Head.of(v, bc.codes().bits(), bc.codes().words() * Long.BYTES, null);
            double[] fractions = new double[r.result().distances().length];
            for (int i = 0; i < fractions.length; i++) {
                fractions[i] = (double) r.result().distances()[i] / bc.codes().bits();
            }
            Binarized corpusCodes = bc;
            Binarized queryCodes = bq;
            SearchResult expected = r.result();
            Workload w = new Workload(v.name(), bc.codes().rows() * bq.codes().rows(), bc.codes().bits(),
                    backend -> backend.search(corpusCodes.codes(), queryCodes.codes(), expected.k()), expected, bc, bq);
            return new VariantRun(h, r, classify ? eval.classifyBinary(split, bc.codes()) : null, fractions, w, encoded, searched);
        } catch (RuntimeException | Error e) {
            bc.close();
            if (bq != null) {
                bq.close();
            }
            throw e;
        }
    }

    /** An osq variant: the corpus quantized on its own centroid, queries at query_bits, scored top-k, kNN by score. */
    private static VariantRun quantized(RunConfig.Variant v, Evaluator eval, FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries,
                                        boolean classify, int[][] split) {
        int docBits = v.bits() == null ? 1 : v.bits() / corpus.dims();
        OsqQuantizer quantizer = OsqQuantizer.fit(corpus, docBits);
        OsqCodes dc = quantizer.encodeDocuments(corpus);
        OsqCodes qc = null;
        try {
            qc = quantizer.encodeQueries(queries, v.queryBits());
            long encoded = System.nanoTime();
            Evaluator.BinaryRun r = eval.search(v, dc, qc);
            long searched = System.nanoTime();
            Head h = Head.of(v, dc.codeBits(), dc.bytesPerRow(), v.queryBits());
            OsqCodes docs = dc;
            OsqCodes qs = qc;
            SearchResult expected = r.result();
            Workload w = new Workload(v.name(), dc.rows() * qc.rows(), dc.codeBits(),
                    backend -> backend.search(docs, qs, expected.k()), expected, dc, qc);
            return new VariantRun(h, r, classify ? eval.classifyOsq(split, quantizer, dc, v.queryBits()) : null, null, w, encoded, searched);
        } catch (RuntimeException | Error e) {
            dc.close();
            if (qc != null) {
                qc.close();
            }
            throw e;
        }
    }

    /** What a variant's entry says of the variant itself, before any measurement. */
    private record Head(String name, String binarizer, int bits, long bytesPerVector, long seed, int rescore, Integer queryBits) {
        static Head of(RunConfig.Variant v, int bits, long bytesPerVector, Integer queryBits) {
            return new Head(v.name(), v.binarizer(), bits, bytesPerVector, v.seed(), v.rescore(), queryBits);
        }
    }

    /** {@code <yyyyMMdd-HHmmss>-<name>}: the run directory's name ({@link StagedDirectory} adds -2, -3... if taken). */
    static String runName(String name) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + name;
    }
}
