package io.binaryllm.runner.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.EmbeddingDataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.QueryDataset;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.metric.Classification;
import io.binaryllm.metric.Cosine;
import io.binaryllm.metric.Overlap;
import io.binaryllm.metric.RetrievalMetrics;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.quantize.OsqScores;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.RunMetrics;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.SplitMix64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurements of one run: the exact float baseline, then for each variant overlap@k, recall of the float
 * top-k within the binary top-k', retrieval metrics against qrels (with and without rescoring) and kNN
 * classification. Everything here is a pure function of config and data: timings go to the event log, not here.
 */
final class Evaluator {
    private final RunConfig config;
    private final EmbeddingDataset corpus;
    private final QueryDataset queries;
    private final BinaryEngine engine;
    private final List<Integer> ks;
    private final int kPrime;
    private final float[] flatCorpus;
    private final double[] squaredNorms;

    Evaluator(RunConfig config, EmbeddingDataset corpus, QueryDataset queries, BinaryEngine engine) {
        this.config = config;
        this.corpus = corpus;
        this.queries = queries;
        this.engine = engine;
        this.ks = config.evaluation().k().stream().distinct().sorted().toList();
        this.kPrime = config.evaluation().recallKPrime();
        FloatEmbeddingBatch c = corpus.vectors();
        this.flatCorpus = c.toArray();
        this.squaredNorms = Cosine.squaredNorms(flatCorpus, (int) c.rows(), c.dims());
    }

    BinaryEngine engine() {
        return engine;
    }

    FloatEmbeddingBatch corpusVectors() {
        return corpus.vectors();
    }

    FloatEmbeddingBatch queryVectors() {
        return queries.vectors();
    }

    /** The ranking metrics the config asks for. */
    List<String> metricsWanted() {
        return config.evaluation().metrics();
    }

    int maxK() {
        return ks.getLast();
    }

    /** Float top-max(k, k') of every query: the baseline. */
    long[][] floatTop() {
        return Cosine.topK(corpus.vectors(), queries.vectors(), Math.min(Math.max(maxK(), kPrime), (int) corpus.vectors().rows()));
    }

    Map<String, RunMetrics.Retrieval> retrieval(long[][] ranked) {
        Map<String, RunMetrics.Retrieval> out = new LinkedHashMap<>();
        Qrels qrels = queries.qrels().orElseThrow();
        List<String> queryIds = new ArrayList<>();
        List<List<String>> docs = new ArrayList<>();
        for (int q = 0; q < ranked.length; q++) {
            queryIds.add(queries.id(q));
            docs.add(Arrays.stream(ranked[q]).mapToObj(corpus::id).toList());
        }
        for (int k : ks) {
            RetrievalMetrics.Scores s = RetrievalMetrics.evaluate(queryIds, docs, qrels, k);
            out.put(String.valueOf(k), new RunMetrics.Retrieval(s.recall(), s.ndcg(), s.mrr(), s.evaluatedQueries(),
                    s.queriesWithoutRelevant()));
        }
        return out;
    }

    /** The binary top list of every query (as many as the metrics and rescoring need), and the raw result. */
    record BinaryRun(SearchResult result, long[][] top, long[][] rescored) {
    }

    /** A variant's codes of any family searched on the run's backend, and the top lists rescored. */
    <C extends Codes> BinaryRun search(RunConfig.Variant v, C corpusCodes, C queryCodes) {
        SearchResult r = engine.search(corpusCodes, queryCodes, depth(v));
        return new BinaryRun(r, r.indexLists(), rescore(v, r.indexLists()));
    }

    private int depth(RunConfig.Variant v) {
        long n = corpus.vectors().rows();
        return (int) Math.min(n, Math.max(Math.max(maxK(), kPrime), (long) maxK() * Math.max(1, v.rescore())));
    }

    /** The binary shortlist of k x rescore re-ranked by exact float cosine, or null without rescoring. */
    private long[][] rescore(RunConfig.Variant v, long[][] top) {
        int n = (int) corpus.vectors().rows();
        long[][] rescored = null;
        if (v.rescore() > 0) {
            int shortlist = (int) Math.min(n, (long) maxK() * v.rescore());
            rescored = new long[top.length][];
            for (int q = 0; q < top.length; q++) {
                rescored[q] = Cosine.topKOne(flatCorpus, squaredNorms, corpus.vectors().dims(), queries.vectors().row(q),
                        Math.min(maxK(), shortlist), Arrays.copyOf(top[q], shortlist));
            }
        }
        return rescored;
    }

    Map<String, Double> overlap(long[][] floatTop, long[][] top) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k : ks) {
            if (k <= floatTop[0].length && k <= top[0].length) {
                out.put(String.valueOf(k), Overlap.meanAtK(floatTop, top, k));
            }
        }
        return out;
    }

    /** |float top-k ∩ binary top-k'| / k, for each k <= k'. */
    Map<String, Double> recallOfFloat(long[][] floatTop, long[][] top) {
        Map<String, Double> out = new LinkedHashMap<>();
        int kp = Math.min(kPrime, top[0].length);
        for (int k : ks) {
            if (k > kp || k > floatTop[0].length) {
                continue;
            }
            double sum = 0;
            for (int q = 0; q < top.length; q++) {
                long[] shortlist = Arrays.copyOf(top[q], kp);
                Arrays.sort(shortlist);
                int hits = 0;
                for (int i = 0; i < k; i++) {
                    hits += Arrays.binarySearch(shortlist, floatTop[q][i]) >= 0 ? 1 : 0;
                }
                sum += (double) hits / k;
            }
            out.put(String.valueOf(k), sum / top.length);
        }
        return out;
    }

    /** The seeded train/test split of the corpus rows: {train, test}, each ascending. */
    int[][] split() {
        int n = (int) corpus.vectors().rows();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplitMix64 rng = engine.seeds().stream("evaluation/split");
        for (int i = n - 1; i > 0; i--) {
            int j = (int) rng.nextLong(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int tests = (int) Math.max(1, Math.min(n - 1, Math.round(n * config.evaluation().classification().testFraction())));
        int[] test = Arrays.copyOf(perm, tests);
        int[] train = Arrays.copyOfRange(perm, tests, n);
        Arrays.sort(test);
        Arrays.sort(train);
        return new int[][]{train, test};
    }

    RunMetrics.ClassificationScores classifyFloat(int[][] split) {
        int[] labels = corpus.labels().orElseThrow();
        int kn = Math.min(config.evaluation().classification().neighbours(), split[0].length);
        long[] candidates = Arrays.stream(split[0]).asLongStream().toArray();
        float[][] tests = new float[split[1].length][];
        for (int t = 0; t < tests.length; t++) {
            tests[t] = corpus.vectors().row(split[1][t]);
        }
        long[][] neighbours = Cosine.topKAll(flatCorpus, squaredNorms, corpus.vectors().dims(), tests, kn, candidates);
        int[] predicted = new int[split[1].length];
        for (int t = 0; t < predicted.length; t++) {
            predicted[t] = Classification.vote(neighbours[t], labels);
        }
        return scores(split, predicted);
    }

    RunMetrics.ClassificationScores classifyBinary(int[][] split, BinaryCodeBatch codes) {
        int kn = Math.min(config.evaluation().classification().neighbours(), split[0].length);
        try (BinaryCodeBatch train = gather(codes, split[0]); BinaryCodeBatch test = gather(codes, split[1])) {
            return vote(split, engine.backend().search(train, test, kn).indexLists());
        }
    }

    /** kNN by osq score: the training rows' document codes, the test rows encoded as queries by the same quantizer. */
    RunMetrics.ClassificationScores classifyOsq(int[][] split, OsqQuantizer quantizer, OsqCodes codes, int queryBits) {
        int kn = Math.min(config.evaluation().classification().neighbours(), split[0].length);
        int dims = corpus.vectors().dims();
        float[] testRows = new float[Math.multiplyExact(split[1].length, dims)];
        for (int t = 0; t < split[1].length; t++) {
            System.arraycopy(corpus.vectors().row(split[1][t]), 0, testRows, t * dims, dims);
        }
        try (OsqCodes train = new OsqCodes(gather(codes.planes(), split[0]), gatherCorrections(codes.corrections(), split[0]),
                codes.dims(), codes.bitsPerDim(), false, codes.centroidId());
             OsqCodes test = quantizer.encodeQueries(FloatEmbeddingBatch.ofFlat(testRows, split[1].length,
                     dims, corpus.name()), queryBits)) {
            return vote(split, engine.backend().search(train, test, kn).indexLists());
        }
    }

    /** Each held-out row's label by the vote of its neighbours among the training rows, scored. */
    private RunMetrics.ClassificationScores vote(int[][] split, long[][] neighbours) {
        int[] labels = corpus.labels().orElseThrow();
        int[] trainLabels = Arrays.stream(split[0]).map(i -> labels[i]).toArray();
        int[] predicted = new int[split[1].length];
        for (int t = 0; t < predicted.length; t++) {
            predicted[t] = Classification.vote(neighbours[t], trainLabels);
        }
        return scores(split, predicted);
    }

    private static float[] gatherCorrections(float[] corrections, int[] rows) {
        float[] out = new float[rows.length * OsqScores.CORRECTIONS];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(corrections, rows[r] * OsqScores.CORRECTIONS, out, r * OsqScores.CORRECTIONS, OsqScores.CORRECTIONS);
        }
        return out;
    }

    private RunMetrics.ClassificationScores scores(int[][] split, int[] predicted) {
        int[] labels = corpus.labels().orElseThrow();
        int[] truth = Arrays.stream(split[1]).map(i -> labels[i]).toArray();
        Classification.Scores s = Classification.score(truth, predicted);
        return new RunMetrics.ClassificationScores(s.accuracy(), s.macroF1(), s.tested(),
                Math.min(config.evaluation().classification().neighbours(), split[0].length));
    }

    private static BinaryCodeBatch gather(BinaryCodeBatch codes, int[] rows) {
        BinaryCodeBatch out = BinaryCodeBatch.allocate(rows.length, codes.bits(), codes.source());
        for (int r = 0; r < rows.length; r++) {
            for (int w = 0; w < codes.words(); w++) {
                out.setWord(r, w, codes.word(rows[r], w));
            }
        }
        return out;
    }
}
