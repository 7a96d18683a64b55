package io.binaryllm.internal.search.blocked;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.search.TopKHeap;
import io.binaryllm.internal.vectorization.BlockedTile;
import io.binaryllm.internal.vectorization.FlatTopK;
import io.binaryllm.internal.vectorization.HammingKernel;
import io.binaryllm.search.SearchResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Exact top-k by walking the database in tiles, each re-laid into a thread's {@link BlockedTile} once and then
 * scanned by every query, threads claiming tiles from a shared counter. Memory beyond the codes is
 * O(threads x (tile + queries x k)): the database itself may be a memory-mapped file of any size.
 *
 * <p>Two selections, both exact:
 * <ul>
 *   <li>k up to {@link Settings#heapKLimit}: a bounded heap per query and thread ({@link FlatTopK}); a block enters
 *       the slow path only when some lane beats the query's current k-th distance.</li>
 *   <li>larger k: a counting selection over the small integer distances. Pass 1 builds each query's histogram of
 *       distances and finds the distance t of its k-th neighbour and how many ties at t it takes; pass 2 collects
 *       the codes below t and the first ties at t in index order.</li>
 * </ul>
 * Per-thread results are merged by (distance, index), so thread count and tile size never change the answer.
 */
public final class BlockedSearch {
    /**
     * @param threads    worker threads
     * @param tileBytes  target size of a blocked tile (L2-sized: it is re-read once per query)
     * @param heapKLimit largest k served by heaps; above it the counting selection runs
     * @param queryChunk queries per counting pass (bounds the histogram memory)
     */
    public record Settings(int threads, int tileBytes, int heapKLimit, int queryChunk) {
        /**
         * Every core a search (or {@code -Dbinaryllm.threads=N}: a server with many client threads may prefer 1, so
         * that each client's search runs on its own core instead of all of them sharing every core).
         */
        public static Settings defaults() {
            return new Settings(defaultThreads(), 256 * 1024, 256, 1024);
        }

        static int defaultThreads() {
            String v = System.getProperty("binaryllm.threads");
            if (v == null) {
                return Runtime.getRuntime().availableProcessors();
            }
            try {
                int threads = Integer.parseInt(v.trim());
                if (threads >= 1 && threads <= 4096) {
                    return threads;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new BadInputException("system property binaryllm.threads must be a thread count from 1 to 4096, got '" + v + "'");
        }

        /** Codes per tile for {@code words}-word codes, a positive multiple of {@code lanes}. */
        int tileCodes(int words, int lanes, long n) {
            long codes = Math.max(lanes, tileBytes / ((long) words * Long.BYTES) / lanes * lanes);
            long needed = (n + lanes - 1) / lanes * lanes;
            return (int) Math.min(codes, Math.max(lanes, needed));
        }
    }

    private static final int QUERY_SLICE = 512;
    private final HammingKernel kernel;
    private final ExecutorService pool;
    private final Settings settings;

    public BlockedSearch(HammingKernel kernel, ExecutorService pool, Settings settings) {
        this.kernel = kernel;
        this.pool = pool;
        this.settings = settings;
    }

    /**
     * Where a search's tiles come from: the codes, re-laid tile by tile into each worker's own tile, or a layout made
     * once ({@link #layOut}) for a database searched many times: then a search reads the codes once, not twice.
     */
    public interface Tiles {
        /** Tiles in index order; each holds {@link #tileCodes()} codes but the last. */
        long count();

        int tileCodes();

        /** For one worker thread: tile t, loaded into the worker's own tile or laid out before. */
        LongFunction<BlockedTile> reader();
    }

    /** The codes re-laid per search. */
    Tiles onTheFly(BinaryCodeBatch db) {
        return onTheFly(db, kernel.lanes());
    }

    /** The codes re-laid per search, in blocks of {@code lanes} (another kernel's: the osq search shares the tiling). */
    Tiles onTheFly(BinaryCodeBatch db, int lanes) {
        int tileCodes = settings.tileCodes(db.words(), lanes, db.rows());
        long count = (db.rows() + tileCodes - 1) / tileCodes;
        return new Tiles() {
            @Override
            public long count() {
                return count;
            }

            @Override
            public int tileCodes() {
                return tileCodes;
            }

            @Override
            public LongFunction<BlockedTile> reader() {
                BlockedTile tile = new BlockedTile(lanes, db.words(), tileCodes);
                return t -> {
                    long first = t * tileCodes;
                    tile.load(db, first, (int) Math.min(tileCodes, db.rows() - first));
                    return tile;
                };
            }
        };
    }

    /**
     * Every tile of {@code db} re-laid once, in parallel, and kept: as much heap as the codes. Searches through it
     * give exactly the answers of {@link #search(BinaryCodeBatch, BinaryCodeBatch, int)}.
     */
    public Tiles layOut(BinaryCodeBatch db) {
        return layOut(db, kernel.lanes());
    }

    /** {@link #layOut(BinaryCodeBatch)} in blocks of {@code lanes} (another kernel's: the osq index). */
    public Tiles layOut(BinaryCodeBatch db, int lanes) {
        Tiles source = onTheFly(db, lanes);
        int tileCodes = source.tileCodes();
        BlockedTile[] tiles = new BlockedTile[Math.toIntExact(source.count())];
        AtomicLong next = new AtomicLong();
        runWorkers(worker -> {
            for (long t; (t = next.getAndIncrement()) < tiles.length; ) {
                long first = t * tileCodes;
                tiles[(int) t] = BlockedTile.laidOut(db, first, (int) Math.min(tileCodes, db.rows() - first), lanes);
            }
            return null;
        });
        return new Tiles() {
            @Override
            public long count() {
                return tiles.length;
            }

            @Override
            public int tileCodes() {
                return tileCodes;
            }

            @Override
            public LongFunction<BlockedTile> reader() {
                return t -> tiles[(int) t];
            }
        };
    }

    public SearchResult search(BinaryCodeBatch db, BinaryCodeBatch queries, int k) {
        return search(db, onTheFly(db), queries, k);
    }

    /** Exact top-k over {@code db}'s tiles as {@code source} provides them. */
    public SearchResult search(BinaryCodeBatch db, Tiles source, BinaryCodeBatch queries, int k) {
        db.requireSearchable(queries, k);
        int nq = Math.toIntExact(queries.rows());
        int words = db.words();
        // Padded to a whole number of the kernel's query groups with copies of the last query, whose results are
        // computed and dropped: the kernel then has one loop, not a loop plus remainders.
        int group = kernel.queryGroup(words);
        int padded = (nq + group - 1) / group * group;
        // Every thread keeps a k-slot list per query, and the merge one more: refuse up front what cannot fit.
        MemoryBudget.requireHeapFor("k", MemoryBudget.bytes(settings.threads() + 1L, padded, k, Long.BYTES + Integer.BYTES),
                nq + " queries x k=" + k + " on " + settings.threads() + " threads");
        long[] q = new long[Math.multiplyExact(padded, words)];
        long[] row = new long[words];
        for (int i = 0; i < nq; i++) {
            queries.copyRow(i, row);
            System.arraycopy(row, 0, q, i * words, words);
        }
        for (int i = nq; i < padded; i++) {
            System.arraycopy(q, (nq - 1) * words, q, i * words, words);
        }
        long[] indices = new long[nq * k];
        int[] distances = new int[nq * k];
        if (k <= settings.heapKLimit()) {
            heapSearch(source, new QueryChunk(q, 0, padded), nq, k, indices, distances);
        } else {
            for (int c0 = 0; c0 < nq; c0 += settings.queryChunk()) {
                countingSearch(db.bits(), source, new QueryChunk(q, c0, Math.min(nq, c0 + settings.queryChunk())), k, indices, distances);
            }
        }
        return new SearchResult(nq, k, indices, distances);
    }

    /** Queries {@code [from, to)} of the packed query words {@code words} (row-major, the codes' words a query). */
    private record QueryChunk(long[] words, int from, int to) {
    }

    /** Heaps per thread over the padded queries of {@code queries} (from 0); the first {@code nq} are kept. */
    private void heapSearch(Tiles source, QueryChunk queries, int nq, int k, long[] indices, int[] distances) {
        long[] q = queries.words();
        int padded = queries.to();
        // Queries go to the kernel in slices: a native kernel runs as a critical downcall (no GC meanwhile), so no
        // single call may last long however many queries there are. QUERY_SLICE is a multiple of every query group.
        List<FlatTopK> parts = scanTiles(source, () -> new FlatTopK(padded, k), (heaps, tile) -> {
            for (int a = 0; a < padded; a += QUERY_SLICE) {
                kernel.topK(tile, q, a, Math.min(padded, a + QUERY_SLICE), heaps);
            }
        });
        merge(parts, nq, k, indices, distances);
    }

    /** The threads' lists of the first {@code nq} queries merged by (distance, index) into the result arrays. */
    static void merge(List<FlatTopK> parts, int nq, int k, long[] indices, int[] distances) {
        TopKHeap merged = new TopKHeap(k);
        for (int qi = 0; qi < nq; qi++) {
            merged.clear();
            for (FlatTopK part : parts) {
                for (int j = 0; j < part.sizes()[qi]; j++) {
                    merged.offer(part.distances()[qi * k + j], part.indices()[qi * k + j]);
                }
            }
            merged.drainSorted(indices, distances, qi * k);
        }
    }

    /** Per thread: how many codes lie at each distance from each query, and room for one query's distances. */
    private record Histogram(int[] counts, int[] scratch) {
    }

    /** Per thread and query: the codes below the cut, then the first ties at it, in one k-slot row. */
    private record Candidates(int[] distances, long[] indices, int[] below, int[] ties, int[] scratch) {
    }

    /** Counting selection over the small integer distances, for the queries of {@code queries}. */
    private void countingSearch(int bits, Tiles source, QueryChunk queries, int k, long[] indices, int[] distances) {
        long[] q = queries.words();
        int q0 = queries.from();
        int q1 = queries.to();
        int nq = q1 - q0;
        int bins = bits + 1;
        int tileCodes = source.tileCodes();
        // Pass 1: histograms of distances.
        List<Histogram> hists = scanTiles(source,
                () -> new Histogram(new int[Math.multiplyExact(nq, bins)], new int[tileCodes]),
                (hist, tile) -> {
                    for (int qi = 0; qi < nq; qi++) {
                        kernel.distances(tile, q, q0 + qi, hist.scratch);
                        int base = qi * bins;
                        for (int c = 0; c < tile.codes(); c++) {
                            hist.counts[base + hist.scratch[c]]++;
                        }
                    }
                });
        int[] cut = new int[nq];
        int[] tiesTaken = new int[nq];
        for (int qi = 0; qi < nq; qi++) {
            long below = 0;
            for (int d = 0; d < bins; d++) {
                long count = 0;
                for (Histogram h : hists) {
                    count += h.counts[qi * bins + d];
                }
                if (below + count >= k) {
                    cut[qi] = d;
                    tiesTaken[qi] = (int) (k - below);
                    break;
                }
                below += count;
            }
        }
        // Pass 2: collect. Each thread sees its tiles in ascending order, so its first ties are its smallest indices.
        List<Candidates> parts = scanTiles(source,
                () -> new Candidates(new int[nq * k], new long[nq * k], new int[nq], new int[nq], new int[tileCodes]),
                (cand, tile) -> {
                    for (int qi = 0; qi < nq; qi++) {
                        kernel.distances(tile, q, q0 + qi, cand.scratch);
                        int belowSlots = k - tiesTaken[qi];
                        int base = qi * k;
                        for (int c = 0; c < tile.codes(); c++) {
                            int d = cand.scratch[c];
                            int slot;
                            if (d < cut[qi]) {
                                slot = base + cand.below[qi]++;
                            } else if (d == cut[qi] && cand.ties[qi] < tiesTaken[qi]) {
                                slot = base + belowSlots + cand.ties[qi]++;
                            } else {
                                continue;
                            }
                            cand.distances[slot] = d;
                            cand.indices[slot] = tile.first() + c;
                        }
                    }
                });
        TopKHeap merged = new TopKHeap(k);
        for (int qi = 0; qi < nq; qi++) {
            merged.clear();
            int belowSlots = k - tiesTaken[qi];
            for (Candidates part : parts) {
                int base = qi * k;
                for (int j = 0; j < part.below[qi]; j++) {
                    merged.offer(part.distances[base + j], part.indices[base + j]);
                }
                for (int j = 0; j < part.ties[qi]; j++) {
                    merged.offer(part.distances[base + belowSlots + j], part.indices[base + belowSlots + j]);
                }
            }
            merged.drainSorted(indices, distances, (q0 + qi) * k);
        }
    }

    /**
     * Every thread creates its state, then claims tiles from a shared counter (so each sees its tiles in ascending
     * index order), reads each ({@link Tiles#reader()}) and hands it to {@code perTile}. Returns the states.
     */
    <T> List<T> scanTiles(Tiles source, Supplier<T> state, BiConsumer<T, BlockedTile> perTile) {
        AtomicLong next = new AtomicLong();
        long tiles = source.count();
        return runWorkers(worker -> {
            T mine = state.get();
            LongFunction<BlockedTile> reader = source.reader();
            for (long t; (t = next.getAndIncrement()) < tiles; ) {
                perTile.accept(mine, reader.apply(t));
            }
            return mine;
        });
    }

    /**
     * Runs one task per thread and returns the results of those that ran, in thread order: task 0 on the calling
     * thread, the others on the pool's {@code threads - 1} helpers. The tasks claim work from shared counters, so the
     * caller alone can finish a search; a helper still queued when the caller is done (the pool busy with another
     * caller's search) is called off instead of waited for. Concurrent searches thus share the cores without a lock
     * and without waiting on each other's queue.
     */
    private <T> List<T> runWorkers(Function<Integer, T> work) {
        int helpers = settings.threads() - 1;
        List<Future<T>> futures = new ArrayList<>(helpers);
        AtomicBoolean[] started = new AtomicBoolean[helpers];
        try {
            for (int t = 0; t < helpers; t++) {
                int id = t + 1;
                AtomicBoolean mine = started[t] = new AtomicBoolean();
                futures.add(pool.submit(() -> mine.compareAndSet(false, true) ? work.apply(id) : null));
            }
            List<T> out = new ArrayList<>();
            out.add(work.apply(0));
            for (int t = 0; t < helpers; t++) {
                if (!started[t].compareAndSet(false, true)) { // it started: it may hold claimed work
                    out.add(futures.get(t).get());
                }
            }
            return out;
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("search interrupted", e);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the backend was closed during a search", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            // Rethrown as they are: a worker's bad input, out-of-memory or fault in a mapped file (InternalError) is
            // what the caller must see, not a wrapper.
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("search worker failed", e.getCause());
        } catch (RuntimeException | Error e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
    }
}
