package io.binaryllm.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.binaryllm.BadArgumentException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.langchain4j.internal.MappedFloatRows;
import io.binaryllm.langchain4j.internal.StoreFiles;
import io.binaryllm.metric.Cosine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.langchain4j.internal.ValidationUtils.ensureNotBlank;
import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

/**
 * A langchain4j {@link EmbeddingStore} that searches binary codes: each added embedding is binarized (sign by
 * default: one bit per dimension, 32x smaller than floats) and searched by exact Hamming top-k on the engine's
 * backend; with rescoring (the default) the binary top-(maxResults x factor) is re-ranked by exact cosine against
 * the float vectors, which the store keeps in a memory-mapped scratch file. That file's name leaves the directory as
 * soon as it is open, so a store that is never closed (or whose process is killed) leaves nothing behind.
 * <ul>
 *   <li>Scores are langchain4j relevance scores, {@code (cos + 1) / 2}: of the exact cosine with rescoring; without
 *       it, of the angle the Hamming distance estimates, {@code cos(pi h / bits)} (exact in expectation for
 *       hyperplane codes, a heuristic for sign codes).</li>
 *   <li>Order: by score, then by insertion order; so equal inputs always give equal results.</li>
 *   <li>Filters: every langchain4j metadata filter ({@link Filter#test}), applied before the search, so
 *       {@code maxResults} counts only matching entries. Entries added without a segment have empty metadata.</li>
 *   <li>Removal by id, ids, filter or everything. A removed entry's slot is skipped, not reused, until
 *       {@code removeAll()}.</li>
 *   <li>{@link #save} writes the live entries to a new directory and {@link Builder#load} reads them back: the
 *       same ids, segments (metadata types kept), float vectors and codes (re-binarized: the same bits).</li>
 * </ul>
 * Thread-safe: searches share a read lock, changes take the write lock.
 *
 * <pre>{@code
 * EmbeddingModel model = TextEmbedders.miniLmModel();   // all-MiniLM-L6-v2, in-process
 * try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().rescoreFactor(4).build()) {
 *     for (String text : List.of("The cat sat on the mat.", "Stocks fell sharply on Monday.", "Rain is expected tomorrow.")) {
 *         TextSegment segment = TextSegment.from(text);
 *         store.add(model.embed(segment).content(), segment);
 *     }
 *     EmbeddingSearchRequest request = EmbeddingSearchRequest.builder()
 *             .queryEmbedding(model.embed("Where did the cat sit?").content()).maxResults(1).build();
 *     String answer = store.search(request).matches().getFirst().embedded().text();   // "The cat sat on the mat."
 * }
 * }</pre>
 */
public final class BinaryEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {
    private final BinaryEngine engine;
    private final String binarizerName;
    private final Integer bits;
    private final long seed;
    private final int rescoreFactor;
    private final Path directory;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Slot i holds the i-th embedding ever added (since the last removeAll()); removed slots are cleared in `live`.
    private final List<String> ids = new ArrayList<>();
    private final List<TextSegment> segments = new ArrayList<>();
    private final Map<String, Integer> slotOfId = new HashMap<>();
    private final BitSet live = new BitSet();
    private Binarizer binarizer;
    private MappedFloatRows vectors;
    private long[] codes = new long[0];
    private int words;
    private int codeBits;
    /**
     * Every live slot's codes as an index (laid out, or kept on the GPU, once), made by the first search that
     * reaches all of them and dropped by the next change: a store is searched far more often than it changes.
     * Made under the read lock, so guarded by its own monitor; dropped under the write lock.
     */
    private BinaryIndex index;
    private final Object indexLock = new Object();

    private BinaryEmbeddingStore(Builder b) {
        this.engine = BinaryEngine.builder().backend(b.backend).seed(b.seed).build();
        this.binarizerName = b.binarizer;
        this.bits = b.bits;
        this.seed = b.seed;
        this.rescoreFactor = b.rescoreFactor;
        this.directory = b.directory;
        engine.binarizer(binarizerName, bits); // refuse a bad name or bit count now, not at the first add
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; every one has a default. */
    public static final class Builder {
        private String backend = "auto";
        private String binarizer = "sign";
        private Integer bits;
        private long seed;
        private int rescoreFactor = 4;
        private Path directory = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder() {
        }

        /** Search backend: auto (default), reference, cpu, native, opencl, cuda. */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /** sign (default), scaled-sign or hyperplane. */
        public Builder binarizer(String binarizer) {
            this.binarizer = binarizer;
            return this;
        }

        /** Code length for hyperplane. */
        public Builder bits(int bits) {
            this.bits = bits;
            return this;
        }

        /** Master seed (hyperplane's projection). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Re-rank the binary top-(maxResults x factor) by exact cosine (default 4); 0 ranks by Hamming alone. */
        public Builder rescoreFactor(int factor) {
            if (factor < 0) {
                throw new BadArgumentException("rescoreFactor", "the rescore factor must be 0 (off) or positive, got " + factor);
            }
            this.rescoreFactor = factor;
            return this;
        }

        /** Where the scratch file of float vectors is made (default: java.io.tmpdir); its name is removed at once. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        public BinaryEmbeddingStore build() {
            return new BinaryEmbeddingStore(this);
        }

        /**
         * A store with the entries {@link #save} wrote to {@code saved}. The binarizer, bits, seed and rescoring
         * are the saved store's (they decide its codes); backend and scratch directory are this builder's. The builder
         * itself is left as it was: it still builds stores with its own options.
         */
        public BinaryEmbeddingStore load(Path saved) {
            StoreFiles.Saved files = StoreFiles.read(saved);
            Builder options = new Builder();
            options.backend = backend;
            options.directory = directory;
            options.binarizer = files.options().binarizer();
            options.bits = files.options().bits();
            options.seed = files.options().seed();
            options.rescoreFactor = files.options().rescoreFactor();
            BinaryEmbeddingStore store = new BinaryEmbeddingStore(options);
            try {
                if (!files.ids().isEmpty()) {
                    store.addAll(files.ids(), files.embeddings(), files.segments());
                }
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }
    }

    /** Entries currently in the store. */
    public int size() {
        lock.readLock().lock();
        try {
            return live.cardinality();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The backend the searches run on. */
    public String backendName() {
        return engine.backendName();
    }

    @Override
    public String add(Embedding embedding) {
        return addAll(List.of(embedding)).getFirst();
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        return addAll(List.of(embedding), List.of(segment)).getFirst();
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> newIds = generateIds(embeddings.size());
        addAll(newIds, embeddings, null);
        return newIds;
    }

    @Override
    public void addAll(List<String> newIds, List<Embedding> embeddings, List<TextSegment> embedded) {
        ensureNotNull(newIds, "ids");
        ensureNotNull(embeddings, "embeddings");
        if (newIds.size() != embeddings.size() || embedded != null && embedded.size() != embeddings.size()) {
            throw new IllegalArgumentException("ids, embeddings and segments must have the same size: " + newIds.size()
                    + ", " + embeddings.size() + (embedded == null ? "" : ", " + embedded.size()));
        }
        if (embeddings.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            dropIndex();
            float[][] rows = embeddings.stream().map(Embedding::vector).toArray(float[][]::new);
            if (vectors == null) {
                open(rows[0].length);
            }
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != dims()) {
                    throw new IllegalArgumentException("embedding " + i + " has " + rows[i].length + " dimensions, the store " + dims());
                }
                ensureNotBlank(newIds.get(i), "id");
            }
            long[] newCodes = encode(rows);
            for (int i = 0; i < rows.length; i++) {
                Integer old = slotOfId.get(newIds.get(i));
                if (old != null) {
                    live.clear(old); // the same id again replaces the entry, as langchain4j's stores do
                }
                int slot = Math.toIntExact(vectors.append(rows[i]));
                ids.add(newIds.get(i));
                segments.add(embedded == null ? null : embedded.get(i));
                slotOfId.put(newIds.get(i), slot);
                live.set(slot);
                if ((long) (slot + 1) * words > codes.length) {
                    codes = Arrays.copyOf(codes, Math.max(words * 1024, codes.length * 2));
                }
                System.arraycopy(newCodes, i * words, codes, slot * words, words);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void remove(String id) {
        ensureNotBlank(id, "id");
        removeAll(List.of(id));
    }

    @Override
    public void removeAll(Collection<String> idsToRemove) {
        ensureNotEmpty(idsToRemove, "ids");
        lock.writeLock().lock();
        try {
            dropIndex();
            for (String id : idsToRemove) {
                Integer slot = slotOfId.remove(id);
                if (slot != null) {
                    live.clear(slot);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void removeAll(Filter filter) {
        ensureNotNull(filter, "filter");
        lock.writeLock().lock();
        try {
            dropIndex();
            for (int slot = live.nextSetBit(0); slot >= 0; slot = live.nextSetBit(slot + 1)) {
                if (filter.test(metadata(slot))) {
                    slotOfId.remove(ids.get(slot));
                    live.clear(slot);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void removeAll() {
        lock.writeLock().lock();
        try {
            dropIndex();
            ids.clear();
            segments.clear();
            slotOfId.clear();
            live.clear();
            if (vectors != null) {
                vectors.clear();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        lock.readLock().lock();
        try {
            float[] query = request.queryEmbedding().vector();
            int[] eligible = eligibleSlots(request.filter());
            if (eligible.length == 0 || request.maxResults() <= 0) {
                return new EmbeddingSearchResult<>(List.of());
            }
            if (query.length != dims()) {
                throw new IllegalArgumentException("the query has " + query.length + " dimensions, the store " + dims());
            }
            int depth = (int) Math.min(eligible.length, (long) request.maxResults() * Math.max(1, rescoreFactor));
            SearchResult binary = hammingTopK(query, eligible, depth);
            List<Candidate> ranked = new ArrayList<>(depth);
            for (int r = 0; r < depth; r++) {
                int slot = eligible[Math.toIntExact(binary.indices()[r])];
                double cosine = rescoreFactor > 0 ? Cosine.similarity(query, vectors.row(slot))
                        : Math.cos(Math.PI * binary.distances()[r] / codeBits);
                ranked.add(new Candidate(slot, RelevanceScore.fromCosineSimilarity(cosine)));
            }
            ranked.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparingInt(Candidate::slot));
            List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
            for (Candidate c : ranked) {
                if (matches.size() == request.maxResults() || c.score() < request.minScore()) {
                    break;
                }
                matches.add(new EmbeddingMatch<>(c.score(), ids.get(c.slot()), Embedding.from(vectors.row(c.slot())), segments.get(c.slot())));
            }
            return new EmbeddingSearchResult<>(matches);
        } finally {
            lock.readLock().unlock();
        }
    }

    private record Candidate(int slot, double score) {
    }

    /** Exact Hamming top-depth of the query among the eligible slots (indices are positions in {@code eligible}). */
    private SearchResult hammingTopK(float[] query, int[] eligible, int depth) {
        try (BinaryCodeBatch q = BinaryCodeBatch.ofWords(encode(new float[][]{query}), 1, codeBits)) {
            if (eligible.length == ids.size()) { // every slot is live and passes the filter: the whole store's index
                return wholeStoreIndex().search(q, depth);
            }
            long[] packed = new long[eligible.length * words];
            for (int i = 0; i < eligible.length; i++) {
                System.arraycopy(codes, eligible[i] * words, packed, i * words, words);
            }
            try (BinaryCodeBatch db = BinaryCodeBatch.wrap(MemorySegment.ofArray(packed), eligible.length, codeBits, "store", null)) {
                return engine.backend().search(db, q, depth);
            }
        }
    }

    /** The index of every slot (all live: callers check), made on first use after a change. Under the read lock. */
    private BinaryIndex wholeStoreIndex() {
        synchronized (indexLock) {
            if (index == null) {
                index = engine.index(BinaryCodeBatch.wrap(MemorySegment.ofArray(codes)
                        .asSlice(0, (long) ids.size() * words * Long.BYTES), ids.size(), codeBits, "store", null));
            }
            return index;
        }
    }

    /** Called under the write lock by every change: the next full search makes a new index. */
    private void dropIndex() {
        synchronized (indexLock) {
            if (index != null) {
                index.close();
                index = null;
            }
        }
    }

    private int[] eligibleSlots(Filter filter) {
        return live.stream().filter(slot -> filter == null || filter.test(metadata(slot))).toArray();
    }

    private Metadata metadata(int slot) {
        TextSegment s = segments.get(slot);
        return s == null ? new Metadata() : s.metadata();
    }

    private void open(int dims) {
        binarizer = engine.binarizer(binarizerName, bits);
        codeBits = binarizer.bits(dims);
        words = BinaryCodeBatch.wordsFor(codeBits);
        vectors = new MappedFloatRows(directory, dims);
    }

    private int dims() {
        return vectors == null ? 0 : vectors.dims();
    }

    private long[] encode(float[][] rows) {
        try (FloatEmbeddingBatch batch = FloatEmbeddingBatch.of(rows); Binarized b = engine.encode(binarizer, batch)) {
            return b.codes().segment().toArray(ValueLayout.JAVA_LONG);
        }
    }

    /**
     * Writes the live entries to the new directory {@code dir} (it must not exist; it appears whole or not at
     * all): {@code store.json} (options, dimensions, count), {@code entries.jsonl} (ids and segments, in order) and
     * {@code vectors.f32} (their float vectors, little-endian rows).
     */
    public void save(Path dir) {
        lock.readLock().lock();
        try {
            int[] slots = live.stream().toArray();
            List<String> liveIds = new ArrayList<>(slots.length);
            List<TextSegment> liveSegments = new ArrayList<>(slots.length);
            List<float[]> liveVectors = new ArrayList<>(slots.length);
            for (int slot : slots) {
                liveIds.add(ids.get(slot));
                liveSegments.add(segments.get(slot));
                liveVectors.add(vectors.row(slot));
            }
            StoreFiles.write(dir, new StoreFiles.Options(binarizerName, bits, seed, rescoreFactor, dims()),
                    liveIds, liveSegments, liveVectors);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            dropIndex();
            if (vectors != null) {
                vectors.close();
            }
            engine.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
