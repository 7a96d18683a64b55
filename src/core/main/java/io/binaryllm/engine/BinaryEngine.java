package io.binaryllm.engine;

import io.binaryllm.BadArgumentException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.EmbeddingDataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.QueryDataset;
import io.binaryllm.metric.Cosine;
import io.binaryllm.metric.Overlap;
import io.binaryllm.metric.RetrievalMetrics;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library entry point: a search backend and a master seed, and the steps of a binary-embedding pipeline on top
 * of them. An engine owns its backend (threads, native or GPU resources) and the indexes it built until
 * {@link #close()}.
 *
 * <pre>{@code
 * try (BinaryEngine engine = BinaryEngine.builder().backend("auto").seed(42).build();
 *      FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(new float[][]{{0.9f, -0.2f, 0.4f}, {-0.5f, 0.8f, 0.1f}, {0.7f, 0.1f, -0.3f}});
 *      FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(new float[][]{{1.0f, -0.1f, 0.2f}})) {
 *     Binarizer sign = engine.binarizer("sign", null);
 *     try (Binarized docCodes = engine.encode(sign, docs);
 *          Binarized questionCodes = engine.encode(sign, questions);
 *          BinaryIndex<BinaryCodeBatch> index = engine.index(docCodes.codes())) {  // on a GPU backend: the codes go to the device once
 *         SearchResult top = index.search(questionCodes.codes(), 2);
 *         long best = top.indicesOf(0)[0];   // 0: the first document has the question's signs exactly
 *     }
 * }
 * }</pre>
 *
 * <p>osq keeps more of the float ranking per bit: the corpus fits a quantizer, documents and queries are encoded by it
 * (queries at 4 or 8 bits a dimension), and {@link #search} ranks them by estimated cosine:
 * <pre>{@code
 * OsqQuantizer osq = OsqQuantizer.fit(docs, 1);                  // 1 bit a dimension, plus 16 bytes of corrections
 * try (OsqCodes d = osq.encodeDocuments(docs); OsqCodes q = osq.encodeQueries(questions, 4)) {
 *     SearchResult top = engine.search(d, q, 2);                 // (score desc, index asc), the same on every backend
 *     float[] scores = top.scoresOf(0);
 * }
 * }</pre>
 *
 * <p>{@link #evaluate} measures what a binarizer keeps of the float ranking, the way {@code binaryllm run} does for
 * one variant:
 * <pre>{@code
 * try (BinaryEngine engine = BinaryEngine.builder().seed(7).build();
 *      EmbeddingDataset corpus = new EmbeddingDataset("docs", FloatEmbeddingBatch.of(docVectors), List.of(), Optional.empty());
 *      QueryDataset questions = new QueryDataset("questions", FloatEmbeddingBatch.of(questionVectors), List.of(),
 *              Optional.of(new Qrels(Map.of("0", Map.of("0", 1)))))) {   // question 0 judges document 0 relevant
 *     BinaryEngine.Quality q = engine.evaluate(engine.binarizer("hyperplane", 256), corpus, questions, 2);
 *     double kept = q.binaryScores().orElseThrow().ndcg() / q.floatScores().orElseThrow().ndcg();
 * }
 * }</pre>
 */
public final class BinaryEngine implements AutoCloseable {
    private final SearchBackend backend;
    private final Seeds seeds;
    /** Indexes not yet closed: they may hold device memory, freed at the latest by {@link #close()}. */
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    private BinaryEngine(SearchBackend backend, Seeds seeds) {
        this.backend = backend;
        this.seeds = seeds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of an engine; {@link #build()} opens the backend. */
    public static final class Builder {
        private String backendName = "auto";
        private SearchBackend backend;
        private long seed;

        private Builder() {
        }

        /** The backend by name: {@code auto} (default: the fastest available), or one of {@link SearchBackends#names()}. */
        public Builder backend(String name) {
            if (name == null) {
                throw new BadArgumentException("backend", "the backend name is null");
            }
            this.backendName = name;
            this.backend = null;
            return this;
        }

        /** A backend instance (one not registered, say); the engine closes it. */
        public Builder backend(SearchBackend backend) {
            if (backend == null) {
                throw new BadArgumentException("backend", "the backend is null");
            }
            this.backend = backend;
            return this;
        }

        /** The master seed every random component derives its stream from (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public BinaryEngine build() {
            return new BinaryEngine(backend != null ? backend : SearchBackends.open(backendName), new Seeds(seed));
        }
    }

    /** The backend's name ({@code auto} resolved). */
    public String backendName() {
        return backend.name();
    }

    public SearchBackend backend() {
        return backend;
    }

    public Seeds seeds() {
        return seeds;
    }

    /** A binarizer by name ({@link Binarizers#NAMES}), seeded from this engine's master seed; {@code bits} for hyperplane only. */
    public Binarizer binarizer(String name, Integer bits) {
        return Binarizers.create(name, bits, seeds);
    }

    public Binarized encode(Binarizer binarizer, FloatEmbeddingBatch vectors) {
        return binarizer.binarize(vectors);
    }

    /**
     * How much of the float ranking a binarizer keeps on a dataset: the exact cosine top-k against the binary
     * top-k (overlap@k), and with the queries' relevance judgments, recall/nDCG/MRR@k of both. The runner's
     * metrics for one variant, as a library call.
     */
    public Quality evaluate(Binarizer binarizer, EmbeddingDataset corpus, QueryDataset queries, int k) {
        long[][] floatTop = Cosine.topK(corpus.vectors(), queries.vectors(), k);
        try (Binarized c = encode(binarizer, corpus.vectors()); Binarized q = encode(binarizer, queries.vectors())) {
            long[][] binaryTop = search(c.codes(), q.codes(), k).indexLists();
            return new Quality(binarizer.name(), c.codes().bits(), k, Overlap.meanAtK(floatTop, binaryTop, k),
                    queries.qrels().map(qr -> scores(floatTop, corpus, queries, qr, k)),
                    queries.qrels().map(qr -> scores(binaryTop, corpus, queries, qr, k)));
        }
    }

    /**
     * @param binarizer    its name
     * @param bits         code length
     * @param k            the k of every metric
     * @param overlap      mean overlap@k of the binary top-k with the exact float top-k
     * @param floatScores  recall/nDCG/MRR@k of the float ranking, when the queries have judgments
     * @param binaryScores the same for the binary ranking
     */
    public record Quality(String binarizer, int bits, int k, double overlap, Optional<RetrievalMetrics.Scores> floatScores,
                          Optional<RetrievalMetrics.Scores> binaryScores) {
    }

    private static RetrievalMetrics.Scores scores(long[][] top, EmbeddingDataset corpus, QueryDataset queries, Qrels qrels, int k) {
        List<String> ids = new ArrayList<>();
        List<List<String>> ranked = new ArrayList<>();
        for (int q = 0; q < top.length; q++) {
            ids.add(queries.id(q));
            ranked.add(Arrays.stream(top[q]).mapToObj(corpus::id).toList());
        }
        return RetrievalMetrics.evaluate(ids, ranked, qrels, k);
    }

    /**
     * Exact top-k of every query on this engine's backend, for codes of any family: Hamming codes by (distance, index),
     * osq codes by (score desc, index). Osq documents and queries must come from the same {@link OsqQuantizer}. For
     * repeated searches of the same codes, {@link #index} keeps them ready.
     */
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        return backend.search(database, queries, k);
    }

    /**
     * An exact index over {@code codes} on this engine's backend (on a GPU, Hamming codes copied to the device now; on
     * the CPU backends, laid out in blocks now); the codes must stay open and unchanged while the index is.
     */
    public <C extends Codes> BinaryIndex<C> index(C codes) {
        TrackedIndex<C> index = new TrackedIndex<>(backend.index(codes), open::remove);
        open.add(index);
        return index;
    }

    /**
     * Closes the indexes still open, then the backend. Every one is closed even when some fail: the first failure is
     * thrown, the others attached to it as suppressed.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        List<AutoCloseable> all = new ArrayList<>(open);
        all.add(backend);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (failure == null) {
                    failure = r;
                } else {
                    failure.addSuppressed(r);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
