package io.binaryllm.runner.internal;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.runner.RunConfig;
import io.binaryllm.runner.RunMetrics;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

import java.util.List;
import java.util.function.Function;

/**
 * One variant of a run: its codes (a binarizer's, or osq's), its search on the run's backend, its classification,
 * and its entry of {@code metrics.json}; the same wherever it is measured (here, or on a sweep's executor).
 */
final class VariantRuns {
    private VariantRuns() {
    }

    /** Variant {@code v} encoded, searched and classified (with a {@code split}; null: no classification). */
    static VariantRun run(RunConfig.Variant v, Evaluator eval, int[][] split) {
        return v.quantized() ? quantized(v, eval, split) : binarized(v, eval, split);
    }

    /** A variant's entry of {@code metrics.json}: its head, then the metrics asked for. */
    static RunMetrics.VariantMetrics measured(VariantRun run, Evaluator eval, long[][] floatTop, boolean hasQrels) {
        List<String> wanted = eval.metricsWanted();
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

    /**
     * One variant's search as the throughput measurement repeats it on every backend: the codes (closed with it),
     * the search, and the run's answer that every backend must give.
     */
    record Workload(String what, long pairs, int bits, Function<SearchBackend, SearchResult> search, SearchResult expected,
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
    record VariantRun(Head head, Evaluator.BinaryRun run, RunMetrics.ClassificationScores classification,
                              double[] distanceFractions, Workload workload, long encoded, long searched) {
    }

    /** A binarizer's variant: codes for corpus and queries, Hamming top-k, kNN on codes. */
    private static VariantRun binarized(RunConfig.Variant v, Evaluator eval, int[][] split) {
        BinaryEngine engine = eval.engine();
        FloatEmbeddingBatch corpus = eval.corpusVectors();
        FloatEmbeddingBatch queries = eval.queryVectors();
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
            return new VariantRun(h, r, split != null ? eval.classifyBinary(split, bc.codes()) : null, fractions, w, encoded, searched);
        } catch (RuntimeException | Error e) {
            bc.close();
            if (bq != null) {
                bq.close();
            }
            throw e;
        }
    }

    /** An osq variant: the corpus quantized on its own centroid, queries at query_bits, scored top-k, kNN by score. */
    private static VariantRun quantized(RunConfig.Variant v, Evaluator eval, int[][] split) {
        FloatEmbeddingBatch corpus = eval.corpusVectors();
        FloatEmbeddingBatch queries = eval.queryVectors();
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
            return new VariantRun(h, r, split != null ? eval.classifyOsq(split, quantizer, dc, v.queryBits()) : null, null, w, encoded, searched);
        } catch (RuntimeException | Error e) {
            dc.close();
            if (qc != null) {
                qc.close();
            }
            throw e;
        }
    }

    /** What a variant's entry says of the variant itself, before any measurement. */
    record Head(String name, String binarizer, int bits, long bytesPerVector, long seed, int rescore, Integer queryBits) {
        static Head of(RunConfig.Variant v, int bits, long bytesPerVector, Integer queryBits) {
            return new Head(v.name(), v.binarizer(), bits, bytesPerVector, v.seed(), v.rescore(), queryBits);
        }
    }
}
