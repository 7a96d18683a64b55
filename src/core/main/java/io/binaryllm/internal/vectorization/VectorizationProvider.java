package io.binaryllm.internal.vectorization;

import java.util.Locale;
import java.util.Optional;

/**
 * Which kernels this JVM runs, decided once (Lucene's {@code VectorizationProvider}): every inner loop of the engine
 * comes from here, the blocked Hamming scan, sign packing and mean |x|, the hyperplane projection's signs and the
 * double dot product of cosine.
 *
 * <ul>
 *   <li>{@code scalar}: plain Java, the specification of every kernel.</li>
 *   <li>{@code vector}: the Vector API ({@code jdk.incubator.vector}, when it is in the module graph).</li>
 *   <li>{@code native}: the Vector API kernels, and the C Hamming kernel of the {@code native} backend when its library
 *       loads (built by the Maven build where gcc exists, for x86-64 Linux).</li>
 * </ul>
 *
 * {@code -Dbinaryllm.vectorization=scalar|vector|native} caps the level (default {@code native}: the most this JVM
 * has). A level that cannot run here falls back to the next lower one and the reason is logged once; the native
 * kernel's reason is what the native backend's availability says. Every level gives identical results, bit for
 * bit: the vector and native kernels follow the scalar ones' operation order (a test runs every kernel at every
 * level and compares).
 */
public final class VectorizationProvider {
    /** The system property that caps the level. */
    public static final String PROPERTY = "binaryllm.vectorization";

    /** Kernel levels, lowest first. */
    public enum Level {
        SCALAR, VECTOR, NATIVE;

        /** The property's spelling. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kernels written in Java at one level. */
    record JavaKernels(String describe, HammingKernel hamming, SignPacker signs, ProjectionSigns projection, DotProduct dot) {
        static JavaKernels scalar() {
            return new JavaKernels("scalar Java", new ScalarHammingKernel(), new ScalarSignPacker(), new ScalarProjectionSigns(),
                    new ScalarDotProduct());
        }
    }

    private static final VectorizationProvider INSTANCE = decide();

    private final Level cap;
    private final Level java;
    private final JavaKernels kernels;

    private VectorizationProvider(Level cap, Level java, JavaKernels kernels) {
        this.cap = cap;
        this.java = java;
        this.kernels = kernels;
    }

    /** This JVM's kernels, decided on first use. */
    public static VectorizationProvider get() {
        return INSTANCE;
    }

    /**
     * The kernels of {@code level}, or of the next lower level that runs here ({@link #javaLevel()} says which), for
     * tests and benchmarks that compare levels in one JVM. Logs nothing.
     */
    public static VectorizationProvider at(Level level) {
        JavaKernels panama = level == Level.SCALAR ? null : PanamaLoader.LOADED.kernels();
        return panama == null ? new VectorizationProvider(level, Level.SCALAR, JavaKernels.scalar())
                : new VectorizationProvider(level, Level.VECTOR, panama);
    }

    /** The JVM's provider: the property's cap, the fallback's reason logged once (a warning: it costs speed). */
    private static VectorizationProvider decide() {
        String property = System.getProperty(PROPERTY);
        Level cap = Level.NATIVE;
        String problem = null;
        if (property != null) {
            try {
                cap = Level.valueOf(property.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem = "-D" + PROPERTY + "=" + property + " is not scalar, vector or native; using native (the most there is)";
            }
        }
        VectorizationProvider p = at(cap);
        if (problem == null && cap != Level.SCALAR && p.java == Level.SCALAR) {
            problem = PanamaLoader.LOADED.problem() + ": the Java kernels run scalar";
        }
        System.Logger log = System.getLogger(VectorizationProvider.class.getName());
        if (problem != null) {
            log.log(System.Logger.Level.WARNING, "vectorization: " + problem);
        } else {
            log.log(System.Logger.Level.DEBUG, () -> "vectorization: " + p.describe() + " (cap " + p.cap.key() + ")");
        }
        return p;
    }

    /** The level asked for: the cap. */
    public Level cap() {
        return cap;
    }

    /** The level the Java kernels run at: {@code VECTOR} or {@code SCALAR}. */
    public Level javaLevel() {
        return java;
    }

    /** The Java kernels in words: "Vector API, 512-bit (8 codes a register)" or "scalar Java". */
    public String describe() {
        return kernels.describe();
    }

    /** The blocked search's loops in Java (the cpu backend's kernel). */
    public HammingKernel hammingKernel() {
        return kernels.hamming();
    }

    /** Sign bits and mean |x| of float rows (sign, scaled-sign). */
    public SignPacker signPacker() {
        return kernels.signs();
    }

    /** The signs of a projection (hyperplane). */
    public ProjectionSigns projectionSigns() {
        return kernels.projection();
    }

    /** The double dot product of float rows (cosine). */
    public DotProduct dotProduct() {
        return kernels.dot();
    }

    /**
     * The C Hamming kernel (the {@code native} backend's) at the best variant this CPU runs; empty when the cap is
     * below native or the library does not load ({@link #nativeProblem()} says why). The library loads on the first
     * call, once per JVM.
     */
    public Optional<NativeHammingKernel> nativeKernel() {
        if (cap != Level.NATIVE) {
            return Optional.empty();
        }
        NativeLibrary.Loaded loaded = NativeLibrary.get();
        return loaded.library() == null ? Optional.empty() : Optional.of(new NativeHammingKernel(loaded.library(), -1));
    }

    /** Why {@link #nativeKernel()} is empty, or null when it is not. */
    public String nativeProblem() {
        if (cap != Level.NATIVE) {
            return "native kernels are off (-D" + PROPERTY + "=" + cap.key() + ")";
        }
        return NativeLibrary.get().problem();
    }

    /**
     * The Vector API kernels, or why there are none: created by name, so that nothing links against
     * {@code jdk.incubator.vector} unless the module is in the graph.
     */
    private record PanamaLoader(JavaKernels kernels, String problem) {
        static final PanamaLoader LOADED = load();

        private static PanamaLoader load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return new PanamaLoader(null, "jdk.incubator.vector is not in the module graph (start the JVM with"
                        + " --add-modules jdk.incubator.vector)");
            }
            try {
                Object kernels = Class.forName("io.binaryllm.internal.vectorization.PanamaKernels")
                        .getDeclaredMethod("create").invoke(null);
                return new PanamaLoader((JavaKernels) kernels, null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return new PanamaLoader(null, "the Vector API kernels did not load (" + e + ")");
            }
        }
    }
}
