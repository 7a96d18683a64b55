package io.binaryllm.runner.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.binaryllm.BadArgumentException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.io.AtomicOutput;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.data.io.StagedDirectory;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.runner.ConfigLoader;
import io.binaryllm.runner.DatasetCatalog;
import io.binaryllm.runner.Progress;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.Runner;
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
        return run(configFile, out, c -> BinaryEngine.builder().backend(c.backend()).seed(c.seed()).build());
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
        RunConfig parsed = ConfigLoader.load(configFile).withDefaults();
        ConfigValidator.validate(configFile, parsed);
        RunConfig.Dataset ds = parsed.dataset();
        Path base = ConfigValidator.base(configFile);
        try {
            return run(configFile, parsed, out, engines);
        } catch (BadArgumentException e) {
            // A library call's argument came from the config: name its key, not a command-line option.
            throw ConfigValidator.bad(configFile, e.argument().equals("k") ? "evaluation.k" : e.argument(), e.getMessage());
        } catch (InternalError e) {
            // A dataset file is memory-mapped for the whole run: name it if another process truncated it.
            throw MappedFaults.explain(e, ds.corpus() == null ? null : base.resolve(ds.corpus()).toString(),
                    ds.queries() == null ? null : base.resolve(ds.queries()).toString());
        }
    }

    private static Runner.Outcome run(Path configFile, RunConfig parsed, PrintWriter out, Function<RunConfig, BinaryEngine> engines) {
        RunConfig.Dataset ds = parsed.dataset();
        try (Dataset data = DatasetCatalog.load(ds.name(), ds.corpus(), ds.queries(), ds.qrels(), ds.labels(),
                ds.corpusIds(), ds.queryIds(), ConfigValidator.base(configFile))) {
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
                Map<String, Object> metrics;
                try (EventLog events = new EventLog(staged.path().resolve("events.jsonl"));
                     Progress progress = new Progress(config.name(), config.variants().size() + 3L)) {
                    metrics = execute(config, data, engine, staged.path(), events, classify, out, progress);
                }
                Path dir = staged.commit();
                out.printf("binaryllm run: wrote %s (metrics.json, report.md)%n", dir);
                out.flush();
                return new Runner.Outcome(dir, metrics);
            }
        }
    }

    /** The measurements, written with the report into {@code dir} (the staging directory, renamed when complete). */
    /** A hyperplane projection the heap cannot hold is the config's bits' problem, found before the run starts. */
    private static void requireProjectionsFit(Path configFile, RunConfig config, int dims) {
        for (int i = 0; i < config.variants().size(); i++) {
            RunConfig.Variant v = config.variants().get(i);
            if (Binarizers.create(v.binarizer(), v.bits(), new Seeds(v.seed())) instanceof HyperplaneBinarizer h) {
                try {
                    h.requireFits(dims);
                } catch (BadArgumentException e) {
                    throw ConfigValidator.bad(configFile, "variants[" + i + "]." + e.argument(), e.getMessage());
                }
            }
        }
    }

    private static Map<String, Object> execute(RunConfig config, Dataset data, BinaryEngine engine, Path dir,
                                   EventLog events, boolean classify, PrintWriter out, Progress progress) {
        AtomicOutput.writeBytes(dir.resolve("config.resolved.yaml"), false, ConfigLoader.toYaml(config).getBytes(StandardCharsets.UTF_8));
        var corpus = data.corpus();
        var queries = data.queries();
        events.log("start", "run", config.name(), "backend", engine.backendName(), "dataset", corpus.name(),
                "corpus_rows", corpus.vectors().rows(), "query_rows", queries.vectors().rows(), "dims", corpus.vectors().dims());
        Evaluator eval = new Evaluator(config, corpus, queries, engine);
        List<String> wanted = config.evaluation().metrics();
        boolean hasQrels = queries.qrels().isPresent() && wanted.contains("retrieval");

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("run", config.name());
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", corpus.name());
        dataset.put("corpus_rows", corpus.vectors().rows());
        dataset.put("query_rows", queries.vectors().rows());
        dataset.put("dims", corpus.vectors().dims());
        dataset.put("qrels", queries.qrels().isPresent());
        dataset.put("labels", corpus.labels().isPresent());
        metrics.put("dataset", dataset);
        metrics.put("k", config.evaluation().k());
        metrics.put("recall_k_prime", config.evaluation().recallKPrime());

        long t0 = System.nanoTime();
        out.printf("binaryllm run %s: float baseline (exact cosine) on %d x %d ...%n", config.name(), corpus.vectors().rows(), queries.vectors().rows());
        out.flush();
        long[][] floatTop = eval.floatTop();
        int[][] split = classify ? eval.split() : null;
        Map<String, Object> floatMetrics = new LinkedHashMap<>();
        floatMetrics.put("bytes_per_vector", corpus.vectors().dims() * Float.BYTES);
        if (hasQrels) {
            floatMetrics.put("retrieval", eval.retrieval(floatTop));
        }
        if (classify) {
            floatMetrics.put("classification", eval.classifyFloat(split));
        }
        metrics.put("float", floatMetrics);
        events.log("float_baseline", "seconds", (System.nanoTime() - t0) / 1e9);
        progress.step("float baseline");

        List<Map<String, Object>> variants = new ArrayList<>();
        Map<String, double[]> distanceFractions = new LinkedHashMap<>();
        // The first variant's codes stay for the throughput measurement; every variant's are closed, whatever throws.
        Binarized firstCorpus = null;
        Binarized firstQueries = null;
        SearchResult firstResult = null;
        Throughput throughput;
        try {
            for (RunConfig.Variant v : config.variants()) {
                long start = System.nanoTime();
                Binarizer b = Binarizers.create(v.binarizer(), v.bits(), new Seeds(v.seed()));
                Binarized bc = null;
                Binarized bq = null;
                try {
                    bc = engine.encode(b, corpus.vectors());
                    bq = engine.encode(b, queries.vectors());
                    long encoded = System.nanoTime();
                    Evaluator.BinaryRun r = eval.search(v, bc, bq);
                    long searched = System.nanoTime();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", v.name());
                    m.put("binarizer", v.binarizer());
                    m.put("bits", bc.codes().bits());
                    m.put("bytes_per_vector", bc.codes().words() * Long.BYTES);
                    m.put("seed", v.seed());
                    m.put("rescore", v.rescore());
                    if (wanted.contains("overlap")) {
                        m.put("overlap", eval.overlap(floatTop, r.top()));
                    }
                    if (wanted.contains("recall_in_k_prime")) {
                        m.put("recall_of_float_top_k_in_top_k_prime", eval.recallOfFloat(floatTop, r.top()));
                    }
                    if (hasQrels) {
                        m.put("retrieval", eval.retrieval(r.top()));
                        if (r.rescored() != null) {
                            m.put("retrieval_rescored", eval.retrieval(r.rescored()));
                        }
                    }
                    if (r.rescored() != null && wanted.contains("overlap")) {
                        m.put("overlap_rescored", eval.overlap(floatTop, r.rescored()));
                    }
                    if (classify) {
                        m.put("classification", eval.classifyBinary(split, bc.codes()));
                    }
                    variants.add(m);
                    double[] fractions = new double[r.result().distances().length];
                    for (int i = 0; i < fractions.length; i++) {
                        fractions[i] = (double) r.result().distances()[i] / bc.codes().bits();
                    }
                    distanceFractions.put(v.name(), fractions);
                    events.log("variant", "name", v.name(), "bits", bc.codes().bits(), "encode_seconds", (encoded - start) / 1e9,
                            "search_seconds", (searched - encoded) / 1e9, "evaluate_seconds", (System.nanoTime() - searched) / 1e9);
                    progress.step(v.name());
                    out.printf("  %-24s %5d bits  %s%n", v.name(), bc.codes().bits(), summary(m, hasQrels));
                    out.flush();
                    if (firstCorpus == null) {
                        firstCorpus = bc;
                        firstQueries = bq;
                        firstResult = r.result();
                        bc = null;
                        bq = null;
                    }
                } finally {
                    close(bc, bq);
                }
            }
            metrics.put("variants", variants);
            throughput = throughput(firstCorpus, firstQueries, firstResult, events);
            progress.step("throughput");
        } finally {
            close(firstCorpus, firstQueries);
        }
        try {
            AtomicOutput.writeBytes(dir.resolve("metrics.json"), false, JSON.writeValueAsBytes(metrics));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the metrics", e); // maps of numbers and strings: a bug
        }
        Report.write(dir, config, metrics, distanceFractions, throughput);
        progress.step("report");
        events.log("done", "seconds", (System.nanoTime() - t0) / 1e9);
        return metrics;
    }

    /** Closes the codes that are there (a variant that failed half-way has only some). */
    private static void close(Binarized... codes) {
        for (Binarized c : codes) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** One line for the terminal: overlap and nDCG at every k (after rescoring, for rescored variants). */
    private static String summary(Map<String, Object> m, boolean hasQrels) {
        StringBuilder s = new StringBuilder();
        boolean rescored = (Integer) m.get("rescore") > 0;
        @SuppressWarnings("unchecked") Map<String, Object> overlap = (Map<String, Object>) m.get(rescored ? "overlap_rescored" : "overlap");
        if (overlap != null) {
            overlap.forEach((k, v) -> s.append(String.format("overlap@%s %.3f  ", k, (Double) v)));
        }
        if (hasQrels) {
            @SuppressWarnings("unchecked") Map<String, Map<String, Object>> r = (Map<String, Map<String, Object>>) m.get(rescored ? "retrieval_rescored" : "retrieval");
            r.forEach((k, v) -> s.append(String.format("nDCG@%s %.3f  ", k, (Double) v.get("ndcg"))));
        }
        return s.toString().strip();
    }

    /** Search speed of every available backend on the first variant's codes, each checked against the run's result. */
    record Throughput(List<String> backends, List<Double> mpairs, int bits) {
    }

    private static Throughput throughput(Binarized corpus, Binarized queries, SearchResult expected, EventLog events) {
        List<String> names = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            try (b) {
                if (!b.availability().available()) {
                    events.log("throughput_skipped", "backend", b.name(), "reason", b.availability().detail());
                    continue;
                }
                SearchResult r = b.search(corpus.codes(), queries.codes(), expected.k()); // also warms the JIT
                if (!r.equals(expected)) {
                    throw new IllegalStateException(b.name() + " differs from the run's backend: " + r.firstDifference(expected));
                }
                long start = System.nanoTime();
                b.search(corpus.codes(), queries.codes(), expected.k());
                double seconds = (System.nanoTime() - start) / 1e9;
                double mpairs = (double) corpus.codes().rows() * queries.codes().rows() / seconds / 1e6;
                names.add(b.name());
                rates.add(mpairs);
                events.log("throughput", "backend", b.name(), "seconds", seconds, "mpairs_per_second", mpairs, "identical", true);
            }
        }
        return new Throughput(names, rates, corpus.codes().bits());
    }

    /** {@code <yyyyMMdd-HHmmss>-<name>}: the run directory's name ({@link StagedDirectory} adds -2, -3... if taken). */
    static String runName(String name) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + name;
    }
}
