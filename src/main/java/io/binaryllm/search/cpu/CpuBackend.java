package io.binaryllm.search.cpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.search.blocked.BlockedSearch;
import io.binaryllm.search.blocked.HammingKernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code cpu}: the blocked search with the Vector API kernel on every core. Without the vector module it still
 * runs, on the scalar kernel, and says why once.
 */
public final class CpuBackend implements SearchBackend {
    private static final System.Logger LOG = System.getLogger(CpuBackend.class.getName());
    private final BlockedSearch.Settings settings;
    private final HammingKernel kernel;
    private ExecutorService pool;

    public CpuBackend() {
        this(BlockedSearch.Settings.defaults(), true);
    }

    /** For tests and benchmarks: explicit threads, tile size and selection, and optionally the scalar kernel. */
    public CpuBackend(BlockedSearch.Settings settings, boolean vectorKernel) {
        this.settings = settings;
        this.kernel = vectorKernel ? Kernels.best() : new ScalarKernel();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Availability availability() {
        return Availability.of(kernel.describe() + ", " + settings.threads() + " threads");
    }

    @Override
    public int autoPreference() {
        return 20;
    }

    @Override
    public synchronized SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(settings.threads(), r -> {
                Thread t = new Thread(r, "binaryllm-cpu");
                t.setDaemon(true);
                return t;
            });
        }
        return new BlockedSearch(kernel, pool, settings).search(database, queries, k);
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }

    /** Chooses the kernel once per JVM (Lucene's VectorizationProvider pattern). */
    static final class Kernels {
        private static final HammingKernel BEST = load();

        static HammingKernel best() {
            return BEST;
        }

        private static HammingKernel load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "cpu backend: jdk.incubator.vector is not in the module graph "
                        + "(start the JVM with --add-modules jdk.incubator.vector); using the scalar kernel");
                return new ScalarKernel();
            }
            try {
                return (HammingKernel) Class.forName("io.binaryllm.search.cpu.VectorKernel").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "cpu backend: the Vector API kernel did not load (" + e + "); using the scalar kernel");
                return new ScalarKernel();
            }
        }
    }
}
