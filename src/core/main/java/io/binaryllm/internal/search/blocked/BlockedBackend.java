package io.binaryllm.internal.search.blocked;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.internal.vectorization.HammingKernel;
import io.binaryllm.internal.vectorization.OsqKernel;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.AbstractBinaryIndex;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.OsqIndex;
import io.binaryllm.search.ScoredResult;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A backend that runs {@link BlockedSearch} with some kernel on the calling thread and a pool of {@code threads - 1}
 * helpers of its own, created on first use and shut down by {@link #close()}. Searches are not serialized: concurrent
 * callers each scan on their own thread and share the helpers, so N client threads keep N cores busy without
 * oversubscribing them. Subclasses say which kernel and how it is described.
 */
public abstract class BlockedBackend implements SearchBackend {
    /** Null until first use for the defaults: the constructor must succeed everywhere, a bad -Dbinaryllm.threads too. */
    private volatile BlockedSearch.Settings settings;
    private ExecutorService pool;

    /** @param settings threads, tiles and selection; null for {@link BlockedSearch.Settings#defaults()}, read at first use */
    protected BlockedBackend(BlockedSearch.Settings settings) {
        this.settings = settings;
    }

    /** The settings; the defaults are read on first call, which throws a bad {@code -Dbinaryllm.threads} as bad input. */
    public BlockedSearch.Settings settings() {
        BlockedSearch.Settings s = settings;
        if (s == null) {
            settings = s = BlockedSearch.Settings.defaults();
        }
        return s;
    }

    /** The kernel to search with; called only when {@link #availability()} says the backend is available. */
    protected abstract HammingKernel kernel();

    @Override
    public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        try {
            return searcher().search(database, queries, k);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source(), queries.source());
        }
    }

    /** The osq loop of the same computing kind as {@link #kernel()}. */
    protected abstract OsqKernel osqKernel();

    @Override
    public ScoredResult searchOsq(OsqCodes database, OsqCodes queries, int k) {
        OsqCodes.requireSearchable(database, queries, k);
        BlockedSearch searcher = searcher();
        try {
            return OsqBlockedSearch.search(searcher, osqKernel(), settings().threads(), database, queries, k);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.planes().source(), queries.planes().source());
        }
    }

    /**
     * The database's tiles re-laid once and kept (as much heap as the codes), so that each search reads the codes
     * once instead of copying every tile before scanning it: for a few queries the copy costs as much as the scan.
     * A database above a quarter of the heap is searched in place, as {@link #search} does.
     */
    @Override
    public BinaryIndex index(BinaryCodeBatch database) {
        BlockedSearch searcher = searcher();
        long bytes = database.segment().byteSize();
        if (bytes > Runtime.getRuntime().maxMemory() / 4) {
            return SearchBackend.super.index(database);
        }
        try {
            return new BlockedIndex(database, searcher.layOut(database), bytes);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source());
        }
    }

    /** The osq planes laid out once in the osq kernel's blocks, under the same quarter-of-the-heap rule as {@link #index}. */
    @Override
    public OsqIndex indexOsq(OsqCodes database) {
        BlockedSearch searcher = searcher();
        long bytes = database.planes().segment().byteSize();
        if (bytes > Runtime.getRuntime().maxMemory() / 4) {
            return SearchBackend.super.indexOsq(database);
        }
        BlockedSearch.Tiles laid;
        try {
            laid = searcher.layOut(database.planes(), osqKernel().lanes());
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.planes().source());
        }
        java.util.concurrent.atomic.AtomicReference<BlockedSearch.Tiles> tiles = new java.util.concurrent.atomic.AtomicReference<>(laid);
        return new OsqIndex() {
            @Override
            public OsqCodes codes() {
                return database;
            }

            @Override
            public ScoredResult search(OsqCodes queries, int k) {
                OsqCodes.requireSearchable(database, queries, k);
                BlockedSearch.Tiles t = tiles.get();
                if (t == null) {
                    throw new IllegalStateException("this " + name() + " osq index was closed");
                }
                try {
                    return OsqBlockedSearch.search(searcher(), osqKernel(), settings().threads(), database, t, queries, k);
                } catch (InternalError e) {
                    throw MappedFaults.explain(e, database.planes().source(), queries.planes().source());
                }
            }

            @Override
            public String residence() {
                return String.format(java.util.Locale.ROOT, "in memory, re-laid in blocks: %.1f MiB", bytes / 1048576.0);
            }

            @Override
            public void close() {
                tiles.set(null); // the garbage collector frees the layout
            }
        };
    }

    /** An index whose tiles were laid out once; searches run on this backend's threads. */
    private final class BlockedIndex extends AbstractBinaryIndex {
        private final long bytes;
        private volatile BlockedSearch.Tiles tiles;

        BlockedIndex(BinaryCodeBatch codes, BlockedSearch.Tiles tiles, long bytes) {
            super(name(), codes);
            this.tiles = tiles;
            this.bytes = bytes;
        }

        @Override
        protected SearchResult searchCopy(BinaryCodeBatch queries, int k) {
            BlockedSearch.Tiles laid = tiles;
            if (laid == null) { // closed by another thread since the check
                requireOpen();
            }
            return searcher().search(codes(), laid, queries, k);
        }

        @Override
        public String residence() {
            return sized("in memory, re-laid in blocks", bytes);
        }

        /** Lets the layout go (the garbage collector frees it). */
        @Override
        protected void release() {
            tiles = null;
        }
    }

    /** A search over this backend's kernel and threads (the pool is created on first use and again after close). */
    private synchronized BlockedSearch searcher() {
        if (!availability().available()) {
            throw new IllegalStateException(name() + " is unavailable: " + availability().detail());
        }
        if (pool == null) {
            pool = Executors.newFixedThreadPool(Math.max(1, settings().threads() - 1), r -> {
                Thread t = new Thread(r, "binaryllm-" + name());
                t.setDaemon(true);
                return t;
            });
        }
        return new BlockedSearch(kernel(), pool, settings());
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
