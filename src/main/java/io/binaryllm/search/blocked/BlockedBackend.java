package io.binaryllm.search.blocked;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A backend that runs {@link BlockedSearch} with some kernel on a thread pool of its own, created on first use and
 * shut down by {@link #close()}. Subclasses say which kernel and how it is described.
 */
public abstract class BlockedBackend implements SearchBackend {
    private final BlockedSearch.Settings settings;
    private ExecutorService pool;

    protected BlockedBackend(BlockedSearch.Settings settings) {
        this.settings = settings;
    }

    public BlockedSearch.Settings settings() {
        return settings;
    }

    /** The kernel to search with; called only when {@link #availability()} says the backend is available. */
    protected abstract HammingKernel kernel();

    @Override
    public synchronized SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        SearchBackend.requireValid(database, queries, k);
        if (!availability().available()) {
            throw new IllegalStateException(name() + " is unavailable: " + availability().detail());
        }
        if (pool == null) {
            pool = Executors.newFixedThreadPool(settings.threads(), r -> {
                Thread t = new Thread(r, "binaryllm-" + name());
                t.setDaemon(true);
                return t;
            });
        }
        return new BlockedSearch(kernel(), pool, settings).search(database, queries, k);
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
