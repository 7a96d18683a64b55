package io.binaryllm.internal.search.blocked;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Codes;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.internal.vectorization.HammingKernel;
import io.binaryllm.internal.vectorization.OsqKernel;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.AbstractBinaryIndex;
import io.binaryllm.search.BinaryIndex;
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

    /** The osq loop of the same computing kind as {@link #kernel()}. */
    protected abstract OsqKernel osqKernel();

    @Override
    public <C extends Codes> SearchResult search(C database, C queries, int k) {
        database.requireSearchable(queries, k);
        return scan(searcher(), database, null, queries, k);
    }

    /** Searches {@code tiles} (laid out before) or, when null, tiles re-laid on the fly; arguments checked. */
    private SearchResult scan(BlockedSearch searcher, Codes database, BlockedSearch.Tiles tiles, Codes queries, int k) {
        try {
            return switch (database) {
                case BinaryCodeBatch codes -> searcher.search(codes, tiles != null ? tiles : searcher.onTheFly(codes),
                        (BinaryCodeBatch) queries, k);
                case OsqCodes codes -> OsqBlockedSearch.search(searcher, osqKernel(), settings().threads(), codes,
                        tiles != null ? tiles : searcher.onTheFly(codes.planes(), osqKernel().lanes()), (OsqCodes) queries, k);
                default -> throw SearchBackend.unsupported(this, database);
            };
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source(), queries.source());
        }
    }

    /**
     * The database's tiles re-laid once and kept (as much heap as the codes), so that each search reads the codes
     * once instead of copying every tile before scanning it: for a few queries the copy costs as much as the scan.
     * A database above a quarter of the heap is searched in place, as {@link #search} does.
     */
    @Override
    public <C extends Codes> BinaryIndex<C> index(C database) {
        BlockedSearch searcher = searcher();
        BinaryCodeBatch words = switch (database) {
            case BinaryCodeBatch codes -> codes;
            case OsqCodes codes -> codes.planes();
            default -> throw SearchBackend.unsupported(this, database);
        };
        long bytes = words.segment().byteSize();
        if (bytes > Runtime.getRuntime().maxMemory() / 4) {
            return SearchBackend.super.index(database);
        }
        int lanes = database instanceof OsqCodes ? osqKernel().lanes() : kernel().lanes();
        try {
            return new BlockedIndex<>(database, searcher.layOut(words, lanes), bytes);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, database.source());
        }
    }

    /** An index whose tiles were laid out once; searches run on this backend's threads. */
    private final class BlockedIndex<C extends Codes> extends AbstractBinaryIndex<C> {
        private final long bytes;
        private volatile BlockedSearch.Tiles tiles;

        BlockedIndex(C codes, BlockedSearch.Tiles tiles, long bytes) {
            super(name(), codes);
            this.tiles = tiles;
            this.bytes = bytes;
        }

        @Override
        protected SearchResult searchCopy(C queries, int k) {
            BlockedSearch.Tiles laid = tiles;
            if (laid == null) { // closed by another thread since the check
                requireOpen();
            }
            return scan(searcher(), codes(), laid, queries, k);
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
