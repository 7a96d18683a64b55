package io.binaryllm.benchmarks.bbq;

import io.binaryllm.data.Dataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.metric.Cosine;
import io.binaryllm.metric.RetrievalMetrics;
import io.binaryllm.runner.DatasetCatalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What every system of the comparison is given and judged by: a dataset's corpus and queries (unit-length MiniLM
 * vectors), its judgments, a pool of {@code threads} threads for work shared by query, and the float rescoring both
 * sides use (exact cosine over a shortlist, which on unit vectors orders as the dot product).
 */
final class Workload implements AutoCloseable {
    static final int K = 10;
    static final int RESCORE = 4;

    final Dataset data;
    final FloatEmbeddingBatch corpus;
    final FloatEmbeddingBatch queries;
    final int dims;
    final int threads;
    /** [rows x dims] the corpus, row-major, for rescoring. */
    private final float[] flatCorpus;
    /** [rows] squared norms of the corpus rows. */
    private final double[] norms;
    /** [queries][dims] */
    final float[][] queryRows;
    private final ExecutorService pool;

    private Workload(Dataset data, int threads) {
        this.data = data;
        this.corpus = data.corpus().vectors();
        this.queries = data.queries().vectors();
        this.dims = corpus.dims();
        this.threads = threads;
        this.flatCorpus = corpus.toArray();
        this.norms = Cosine.squaredNorms(flatCorpus, (int) corpus.rows(), dims);
        this.queryRows = new float[(int) queries.rows()][];
        for (int q = 0; q < queryRows.length; q++) {
            queryRows[q] = queries.row(q);
        }
        this.pool = Executors.newFixedThreadPool(threads);
    }

    static Workload load(String dataset, int threads) {
        Dataset data = DatasetCatalog.find(dataset).orElseThrow(() -> new IllegalArgumentException("unknown dataset " + dataset)).load().get();
        return new Workload(data, threads);
    }

    /** Per query, the ranked rows; a worker per thread keeps its scratch. */
    interface QueryTask {
        Worker worker();

        interface Worker {
            long[] top(int query) throws Exception;
        }
    }

    /** Every query through {@code task}, query q on thread q mod threads; the answers into {@code into[q]}. */
    void perQuery(QueryTask task, long[][] into) throws Exception {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            fs.add(pool.submit(() -> {
                QueryTask.Worker w = task.worker();
                for (int q = first; q < queryRows.length; q += threads) {
                    into[q] = w.top(q);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }

    /** The top {@link #K} of query q's shortlist by exact cosine. */
    long[] rescored(int q, long[] shortlist) {
        return Cosine.topKOne(flatCorpus, norms, dims, queryRows[q], K, shortlist);
    }

    /** Every query's shortlist rescored, on the pool's threads. */
    long[][] rescoredAll(long[][] shortlists) throws Exception {
        long[][] out = new long[shortlists.length][];
        perQuery(() -> q -> rescored(q, shortlists[q]), out);
        return out;
    }

    /** The exact float ranking (cosine), computed once and not timed: the quality every row is a share of. */
    long[][] floatTop() {
        return Cosine.topK(corpus, queries, K);
    }

    /** nDCG@10 and recall@10 of ranked corpus rows. */
    double[] quality(long[][] top) {
        Qrels qrels = data.queries().qrels().orElseThrow();
        List<String> ids = new ArrayList<>();
        List<List<String>> ranked = new ArrayList<>();
        for (int q = 0; q < top.length; q++) {
            ids.add(data.queries().id(q));
            ranked.add(Arrays.stream(top[q]).limit(K).mapToObj(data.corpus()::id).toList());
        }
        RetrievalMetrics.Scores s = RetrievalMetrics.evaluate(ids, ranked, qrels, K);
        return new double[]{s.ndcg(), s.recall()};
    }

    @Override
    public void close() throws Exception {
        pool.shutdownNow();
        data.close();
    }
}
