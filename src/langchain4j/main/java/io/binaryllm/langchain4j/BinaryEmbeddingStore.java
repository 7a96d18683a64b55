package io.binaryllm.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.langchain4j.internal.EntryTable;
import io.binaryllm.langchain4j.internal.MappedFloatRows;
import io.binaryllm.langchain4j.internal.StoreCodec;
import io.binaryllm.langchain4j.internal.StoreCodes;
import io.binaryllm.langchain4j.internal.StoreEncoding;
import io.binaryllm.langchain4j.internal.StoreFiles;
import io.binaryllm.langchain4j.internal.StoreRanking;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

import static dev.langchain4j.internal.ValidationUtils.ensureNotBlank;
import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

/**
 * A langchain4j {@link EmbeddingStore} that searches compact codes of its embeddings on the engine's backend:
 * {@code osq} codes by default (one bit a dimension plus four floats, ranked by their asymmetric score against a
 * 4-bit query), or binary codes ranked by exact Hamming distance (sign: one bit a dimension, 32x smaller than floats). With rescoring (the default) the top
 * (maxResults x factor) candidates are re-ranked by exact cosine against the float vectors, which the store keeps in
 * a memory-mapped scratch file. That file's name leaves the directory as soon as it is open, so a store that is never
 * closed (or whose process is killed) leaves nothing behind.
 * <ul>
 *   <li>Scores are langchain4j relevance scores, {@code (cos + 1) / 2}: of the exact cosine with rescoring; without
 *       it, of the cosine the codes estimate ({@code cos(pi h / bits)} for Hamming distance h, exact in expectation
 *       for hyperplane codes, a heuristic for sign codes; osq's score, an estimate of the cosine itself).</li>
 *   <li>Order: by score, then by insertion order; so equal inputs always give equal results, however the store
 *       happens to be laid out inside (see below).</li>
 *   <li>Filters: every langchain4j metadata filter ({@link Filter#test}), applied exactly, so {@code maxResults}
 *       counts only matching entries. Entries added without a segment have empty metadata. A filter is tested on
 *       the best candidates first; only one that few entries pass is tested on every entry.</li>
 *   <li>Removal by id, ids, filter or everything; a removed entry is skipped by searches at almost no cost.</li>
 *   <li>{@code osq}: its centroid is fitted on the first {@value #OSQ_FIT_ENTRIES} entries (in insertion order);
 *       until the store has held that many, it is searched by exact cosine (a few hundred microseconds).</li>
 *   <li>{@link #save} streams the live entries to a new directory and {@link Builder#load} streams them back: the
 *       same ids, segments (metadata types kept), float vectors and codes (re-encoded: the same bits).</li>
 * </ul>
 * Inside, recent additions are searched beside the main index and merged into it now and then, and removed entries
 * are dropped from it when a quarter of it is removed: no change rebuilds the whole index, and the answer never
 * depends on when that happened. Thread-safe: searches run in parallel (on the caller's thread plus the backend's
 * helpers), changes take a write lock and are linearizable.
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
    /** osq fits its centroid on this many entries: enough to estimate a mean, few enough to search exactly until then. */
    public static final int OSQ_FIT_ENTRIES = StoreEncoding.Osq.FIT_ENTRIES;
    /** Removed slots are renumbered away once they are more than this many and half of all slots. */
    static final int COMPACT_MIN = 4096;

    private final BinaryEngine engine;
    /** How the store gets its codes: a binarizer's, or osq's once it can fit a centroid. */
    private final StoreEncoding encoding;
    private final long seed;
    private final int rescoreFactor;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final EntryTable table;
    /** Every live slot's codes; null before the first add, and for osq until its centroid is fitted. */
    private StoreCodes<?> codes;

    private BinaryEmbeddingStore(Builder b) {
        this.engine = BinaryEngine.builder().backend(b.backend).seed(b.seed).build();
        try {
            this.encoding = StoreEncoding.of(engine, b.binarizer, b.bits, b.bitsPerDimension, b.centroid);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        this.seed = b.seed;
        this.rescoreFactor = b.rescoreFactor;
        this.table = new EntryTable(b.directory, COMPACT_MIN);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; every one has a default. */
    public static final class Builder {
        private String backend = "auto";
        private String binarizer = "osq";
        private Integer bits;
        private Integer bitsPerDimension;
        /** A loaded osq store's centroid. */
        private float[] centroid;
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

        /**
         * osq (the default: optimized scalar quantization, 1, 2 or 4 bits a dimension plus four floats a vector, ranked
         * asymmetrically against a 4-bit query: the best candidates per byte; at 1 bit and rescoring x4, recall@10
         * 0.95 against exact float search on WordNet glosses), or sign, scaled-sign, hyperplane (binary codes ranked
         * by Hamming distance: a little faster, recall@10 0.83 there).
         */
        public Builder binarizer(String binarizer) {
            this.binarizer = binarizer;
            return this;
        }

        /** The code length of hyperplane codes (sign and scaled-sign keep one bit a dimension; osq: {@link #bitsPerDimension}). */
        public Builder bits(int bits) {
            this.bits = bits;
            return this;
        }

        /** osq's bits a dimension: 1 (the default), 2 or 4. */
        public Builder bitsPerDimension(int bits) {
            this.bitsPerDimension = bits;
            return this;
        }

        /** Master seed (hyperplane's projection). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Re-rank the top-(maxResults x factor) candidates by exact cosine (default 4); 0 ranks by the codes alone. */
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
         * A store with the entries {@link #save} wrote to {@code saved}, streamed in batches. The binarizer, bits, seed,
         * rescoring and osq centroid are the saved store's (they decide its codes); backend and scratch directory are
         * this builder's. The builder itself is left as it was: it still builds stores with its own options.
         */
        public BinaryEmbeddingStore load(Path saved) {
            StoreFiles.Saved files = StoreFiles.read(saved);
            requireRoomFor(saved, files);
            Builder options = new Builder();
            options.backend = backend;
            options.directory = directory;
            options.binarizer = files.options().binarizer();
            options.centroid = files.options().centroid();
            if (StoreFiles.OSQ.equals(files.options().binarizer())) { // the file's bits are osq's bits a dimension
                options.bitsPerDimension = files.options().bits();
            } else {
                options.bits = files.options().bits();
            }
            options.seed = files.options().seed();
            options.rescoreFactor = files.options().rescoreFactor();
            BinaryEmbeddingStore store = new BinaryEmbeddingStore(options);
            try {
                files.entries(batch -> store.addLoaded(saved.resolve("entries.jsonl"), batch));
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        }

        /**
         * Refuses, naming the saved store, a load whose vectors the scratch directory cannot hold or whose batches the
         * heap cannot: checked before anything is written or read.
         */
        private void requireRoomFor(Path saved, StoreFiles.Saved files) {
            long bytes = MappedFloatRows.bytesFor(files.count(), files.options().dims());
            long usable = MappedFloatRows.usableSpace(directory);
            if (bytes < 0 || bytes > usable) {
                throw BadInputException.in(saved, "its " + files.count() + " vectors of " + files.options().dims() + " floats need "
                        + (bytes < 0 ? "more than a file holds" : MemoryBudget.size(bytes)) + " of scratch space in " + directory + ", "
                        + MemoryBudget.size(usable) + " are free there (Builder.directory names another)");
            }
            // a batch's buffer and its vectors' arrays: about twice the batch's bytes, and at least one vector's
            MemoryBudget.requireHeap(2L * Math.max(files.options().dims() * (long) Float.BYTES,
                    Math.min(bytes, 16L << 20)), saved, "loading its vectors");
        }
    }

    /** Entries currently in the store. */
    public int size() {
        lock.readLock().lock();
        try {
            return table.liveCount();
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
        float[][] rows = embeddings.stream().map(Embedding::vector).toArray(float[][]::new);
        lock.writeLock().lock();
        try {
            int dims = table.opened() ? table.dims() : rows[0].length;
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != dims) {
                    throw new IllegalArgumentException("embedding " + i + " has " + rows[i].length + " dimensions, the store " + dims);
                }
                for (int j = 0; j < dims; j++) {
                    if (!Float.isFinite(rows[i][j])) {
                        throw new IllegalArgumentException("embedding " + i + " has " + rows[i][j] + " at " + j);
                    }
                }
                ensureNotBlank(newIds.get(i), "id");
            }
            if (!table.opened()) {
                table.open(dims);
                codes = encoding.atFirstAdd(dims);
            }
            // Everything that can fail (encoding, the scratch file's growth: a full disk) happens before any change.
            StoreCodec.Encoded encoded = codes == null ? null : codes.codec().encode(rows);
            List<Integer> replaced = new ArrayList<>();
            int[] slots = table.append(newIds, rows, embedded, replaced::add);
            if (codes != null) {
                codes.append(slots, encoded);
                replaced.forEach(codes::removed);
                codes.maintain(table::isLive);
            } else {
                codes = encoding.afterAdd(table);
            }
            compactIfDue();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A loaded batch, whose ids must be new (a saved store has each once); errors name the line. */
    private void addLoaded(Path entries, StoreFiles.Batch batch) {
        Map<String, Long> lineOfId = new HashMap<>();
        for (int i = 0; i < batch.ids().size(); i++) {
            String id = batch.ids().get(i);
            int slot = table.slotOf(id);
            Long earlier = slot >= 0 ? Long.valueOf(slot + 1L) : lineOfId.putIfAbsent(id, batch.firstLine() + i);
            if (earlier != null) {
                throw new BadInputException(entries + ":" + (batch.firstLine() + i) + ": id '" + id + "' was already used on line " + earlier);
            }
        }
        addAll(batch.ids(), batch.embeddings(), batch.segments());
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
            for (String id : idsToRemove) {
                int slot = table.slotOf(id);
                if (slot >= 0) {
                    remove(slot);
                }
            }
            afterRemovals();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void removeAll(Filter filter) {
        ensureNotNull(filter, "filter");
        lock.writeLock().lock();
        try {
            for (int slot = table.nextLive(0); slot >= 0; slot = table.nextLive(slot + 1)) {
                if (filter.test(table.metadata(slot))) {
                    remove(slot);
                }
            }
            afterRemovals();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Compacts the table when enough slots are dead ({@link EntryTable#compactIfDue}), the codes renumbered with it. */
    private void compactIfDue() {
        IntUnaryOperator renumbered = table.compactIfDue();
        if (renumbered != null && codes != null) {
            codes.renumber(renumbered);
        }
    }

    /** Slots handed out since the last compaction or removeAll(): live ones and removed ones not yet compacted. */
    int slots() {
        lock.readLock().lock();
        try {
            return table.slots();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Removes a live slot, codes included. */
    private void remove(int slot) {
        table.forget(slot);
        if (codes != null) {
            codes.removed(slot);
        }
    }

    /** The merges and compaction a batch of removals may have made due. */
    private void afterRemovals() {
        if (codes != null) {
            codes.maintain(table::isLive);
        }
        compactIfDue();
    }

    @Override
    public void removeAll() {
        lock.writeLock().lock();
        try {
            table.clear();
            if (codes != null) {
                codes.clear();
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
            if (table.liveCount() == 0 || request.maxResults() <= 0) {
                return new EmbeddingSearchResult<>(List.of());
            }
            if (query.length != table.dims()) {
                throw new IllegalArgumentException("the query has " + query.length + " dimensions, the store " + table.dims());
            }
            Filter filter = request.filter();
            IntPredicate accept = filter == null ? table::isLive : slot -> table.isLive(slot) && filter.test(table.metadata(slot));
            int depth = (int) Math.min(table.liveCount(), (long) request.maxResults() * Math.max(1, rescoreFactor));
            List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
            for (StoreRanking.Candidate c : new StoreRanking(table, codes, rescoreFactor).rank(query, depth, accept, filter != null)) {
                if (matches.size() == request.maxResults() || c.score() < request.minScore()) {
                    break;
                }
                matches.add(new EmbeddingMatch<>(c.score(), table.id(c.slot()), Embedding.from(table.row(c.slot())), table.segment(c.slot())));
            }
            return new EmbeddingSearchResult<>(matches);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Streams the live entries to the new directory {@code dir} (it must not exist; it appears whole or not at all,
     * and a crash while saving leaves any earlier copy as it was): {@code store.json} (options, dimensions, count,
     * osq's centroid), {@code entries.jsonl} (ids and segments, in order) and {@code vectors.f32} (their float vectors,
     * little-endian rows). Searches go on meanwhile; changes wait.
     */
    public void save(Path dir) {
        lock.readLock().lock();
        try {
            StoreFiles.write(dir, new StoreFiles.Options(encoding.binarizer(), encoding.savedBits(), seed, rescoreFactor, table.dims(),
                            encoding.savedCentroid(codes)),
                    new StoreFiles.Entries() {
                        @Override
                        public long count() {
                            return table.liveCount();
                        }

                        @Override
                        public void forEach(StoreFiles.EntryConsumer each) {
                            for (int slot = table.nextLive(0); slot >= 0; slot = table.nextLive(slot + 1)) {
                                each.accept(table.id(slot), table.segment(slot), table.row(slot));
                            }
                        }
                    });
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (codes != null) {
                codes.close();
            }
            table.close();
            engine.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
