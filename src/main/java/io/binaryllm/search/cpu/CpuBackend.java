package io.binaryllm.search.cpu;

import io.binaryllm.search.Availability;
import io.binaryllm.search.blocked.BlockedBackend;
import io.binaryllm.search.blocked.BlockedSearch;
import io.binaryllm.search.blocked.HammingKernel;

/**
 * {@code cpu}: the blocked search with the Vector API kernel on every core. Without the vector module it still
 * runs, on the scalar kernel, and says why once.
 */
public final class CpuBackend extends BlockedBackend {
    private final HammingKernel kernel;

    public CpuBackend() {
        this(BlockedSearch.Settings.defaults(), true);
    }

    /** For tests and benchmarks: explicit threads, tile size and selection, and optionally the scalar kernel. */
    public CpuBackend(BlockedSearch.Settings settings, boolean vectorKernel) {
        super(settings);
        this.kernel = vectorKernel ? Kernels.best() : new ScalarKernel();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Availability availability() {
        return Availability.of(kernel.describe() + ", " + settings().threads() + " threads");
    }

    @Override
    public int autoPreference() {
        return 20;
    }

    @Override
    protected HammingKernel kernel() {
        KernelWarmup.awaitCompiled(3000);
        return kernel;
    }

    /** The logger is created only when there is something to say: its set-up costs a CLI run milliseconds. */
    private static void log(String message) {
        System.getLogger(CpuBackend.class.getName()).log(System.Logger.Level.WARNING, message);
    }

    /** Chooses the kernel once per JVM (Lucene's VectorizationProvider pattern). */
    static final class Kernels {
        private static final HammingKernel BEST = load();

        static HammingKernel best() {
            return BEST;
        }

        private static HammingKernel load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                log("cpu backend: jdk.incubator.vector is not in the module graph "
                        + "(start the JVM with --add-modules jdk.incubator.vector); using the scalar kernel");
                return new ScalarKernel();
            }
            try {
                return (HammingKernel) Class.forName("io.binaryllm.search.cpu.VectorKernel").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                log("cpu backend: the Vector API kernel did not load (" + e + "); using the scalar kernel");
                return new ScalarKernel();
            }
        }
    }
}
