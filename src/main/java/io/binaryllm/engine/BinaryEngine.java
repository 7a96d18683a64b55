package io.binaryllm.engine;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

/**
 * The library entry point: a search backend and a master seed, and the steps of a binary-embedding pipeline on top
 * of them. An engine owns its backend (threads, native or GPU resources) until {@link #close()}.
 *
 * <pre>{@code
 * try (BinaryEngine engine = BinaryEngine.builder().backend("auto").seed(42).build();
 *      FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(new float[][]{{0.9f, -0.2f, 0.4f}, {-0.5f, 0.8f, 0.1f}, {0.7f, 0.1f, -0.3f}});
 *      FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(new float[][]{{1.0f, -0.1f, 0.2f}})) {
 *     Binarizer sign = engine.binarizer("sign", null);
 *     try (Binarized docCodes = engine.encode(sign, docs);
 *          Binarized questionCodes = engine.encode(sign, questions)) {
 *         BinaryIndex index = engine.index(docCodes.codes());
 *         SearchResult top = index.search(questionCodes.codes(), 2);
 *         long best = top.indicesOf(0)[0];   // 0: the first document has the question's signs exactly
 *     }
 * }
 * }</pre>
 */
public final class BinaryEngine implements AutoCloseable {
    private final SearchBackend backend;
    private final Seeds seeds;

    private BinaryEngine(SearchBackend backend, Seeds seeds) {
        this.backend = backend;
        this.seeds = seeds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of an engine; {@link #build()} opens the backend. */
    public static final class Builder {
        private String backend = "auto";
        private long seed;

        /** auto (default), reference, cpu, native, opencl or cuda. */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /** The master seed every random component derives its stream from (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public BinaryEngine build() {
            return new BinaryEngine(SearchBackends.open(backend), new Seeds(seed));
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

    /** A binarizer by name, seeded from this engine's master seed; {@code bits} for hyperplane only. */
    public Binarizer binarizer(String name, Integer bits) {
        return Binarizers.create(name, bits, seeds);
    }

    public Binarized encode(Binarizer binarizer, FloatEmbeddingBatch vectors) {
        return binarizer.binarize(vectors);
    }

    /** An exact Hamming index over {@code codes} (not copied: they must stay open while the index is used). */
    public BinaryIndex index(BinaryCodeBatch codes) {
        return new BinaryIndex(codes, backend);
    }

    @Override
    public void close() {
        backend.close();
    }
}
