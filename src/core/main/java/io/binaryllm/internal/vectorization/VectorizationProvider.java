package io.binaryllm.internal.vectorization;

import java.util.Locale;
import java.util.Optional;

/**
 * Which kernels this JVM runs, decided once (Lucene's {@code VectorizationProvider}): every inner loop of the engine
 * comes from here, the blocked Hamming and osq scans, sign packing and mean |x|, the hyperplane projection's signs and the
 * double dot product of cosine.
 *
 * <ul>
 *   <li>{@code scalar}: plain Java, the specification of every kernel.</li>
 *   <li>{@code vector}: the Vector API ({@code jdk.incubator.vector}, when it is in the module graph).</li>
 *   <li>{@code native}: the Vector API kernels, and the C kernels when their library loads (built by the Maven build
 *       where gcc exists, for x86-64 Linux): the {@code native} backend's Hamming and osq scans, the ternary sums,
 *       the float matrix-vector product.</li>
 * </ul>
 *
 * {@code -Dbinaryllm.vectorization=scalar|vector|native} caps the level (default {@code native}: the most this JVM
 * has). A level that cannot run here falls back to the next lower one and the reason is logged once; the native
 * kernel's reason is what the native backend's availability says. Every level gives identical results, bit for
 * bit: the vector and native kernels follow the scalar ones' operation order (a test runs every kernel at every
 * level and compares). The ternary x int8 row sums of Phase 3 come from here too.
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

    private static final VectorizationProvider INSTANCE = decide();

    private final Level cap;
    /** VECTOR or SCALAR: the level of the kernels written in Java. */
    private final Level java;

    private VectorizationProvider(Level cap, Level java) {
        this.cap = cap;
        this.java = java;
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
        boolean vector = level != Level.SCALAR && PanamaLoader.PROBLEM == null;
        return new VectorizationProvider(level, vector ? Level.VECTOR : Level.SCALAR);
    }

    /** The JVM's provider: the property's cap; a fallback's reason is logged once (a warning: it costs speed). */
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
            problem = PanamaLoader.PROBLEM + ": the Java kernels run scalar";
        }
        if (problem != null) {
            // Only then is a logger made: setting up logging costs a short command-line run milliseconds.
            System.getLogger(VectorizationProvider.class.getName()).log(System.Logger.Level.WARNING, "vectorization: " + problem);
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
        return java == Level.VECTOR ? PanamaKernels.hamming().describe() : "scalar Java";
    }

    // Each kernel is made when asked for: a Vector API kernel's class initialisation (its species) costs start-up
    // time that a run which never calls it should not pay. The Panama kernels are named only behind the level check,
    // so no class here links against jdk.incubator.vector unless the module is in the graph.

    /** The blocked search's loops in Java (the cpu backend's kernel). */
    public HammingKernel hammingKernel() {
        return java == Level.VECTOR ? PanamaKernels.hamming() : new ScalarHammingKernel();
    }

    /** The osq scoring loop in Java (the cpu backend's). */
    public OsqKernel osqKernel() {
        return java == Level.VECTOR ? PanamaKernels.osq() : new ScalarOsqKernel();
    }

    /** Sign bits and mean |x| of float rows (sign, scaled-sign). */
    public SignPacker signPacker() {
        return java == Level.VECTOR ? PanamaKernels.signPacker() : new ScalarSignPacker();
    }

    /** The signs of a projection (hyperplane). */
    public ProjectionSigns projectionSigns() {
        return java == Level.VECTOR ? PanamaKernels.projectionSigns() : new ScalarProjectionSigns();
    }

    /**
     * The double dot product of float rows (cosine, a decoder's products): in Java, with the many-row products
     * (matrix-vector, attention scores) in C at the native level when the library loads.
     */
    public DotProduct dotProduct() {
        return nativeDotProduct(-1).orElseGet(this::javaDotProduct);
    }

    /** The dot products in Java only, at this provider's Java level. */
    public DotProduct javaDotProduct() {
        return java == Level.VECTOR ? PanamaKernels.dotProduct() : new ScalarDotProduct();
    }

    /**
     * The dot products with the C many-row products at the best variant this CPU runs up to {@code variant} (-1 for
     * the best); empty as {@link #nativeKernel()} is.
     */
    public Optional<DotProduct> nativeDotProduct(int variant) {
        NativeLibrary library = nativeLibrary();
        if (library == null) {
            return Optional.empty();
        }
        int v = variant < 0 ? library.f32Variant : Math.min(variant, library.f32Variant);
        return Optional.of(new NativeDotProduct(library, v, javaDotProduct()));
    }

    /** The C many-row products' variants this CPU runs, 0 (scalar C) up to the best; none without the library. */
    public int nativeDotProductVariants() {
        NativeLibrary library = nativeLibrary();
        return library == null ? 0 : library.f32Variant + 1;
    }

    /** StrictMath's exponentials of a run of doubles (a decoder's softmax and SwiGLU). */
    public Exponentials exponentials() {
        return java == Level.VECTOR ? PanamaKernels.exponentials() : new ScalarExponentials();
    }

    /** The int32 sums of low-bit linear layers, in Java. */
    public LowBitKernel lowBitKernel() {
        return java == Level.VECTOR ? PanamaKernels.lowBit() : new ScalarLowBitKernel();
    }

    /**
     * The C Hamming kernel (the {@code native} backend's) at the best variant this CPU runs; empty when the cap is
     * below native or the library does not load ({@link #nativeProblem()} says why). The library loads on the first
     * call, once per JVM.
     */
    public Optional<NativeHammingKernel> nativeKernel() {
        NativeLibrary library = nativeLibrary();
        return library == null ? Optional.empty() : Optional.of(new NativeHammingKernel(library, -1));
    }

    /**
     * The C low-bit kernels at every variant this CPU runs up to {@code variant} (-1 for the best), for the native
     * backend; empty as {@link #nativeKernel()} is.
     */
    public Optional<LowBitKernel> nativeLowBitKernel(int variant) {
        NativeLibrary library = nativeLibrary();
        if (library == null) {
            return Optional.empty();
        }
        int v = variant < 0 ? library.lowBitVariant : Math.min(variant, library.lowBitVariant);
        return Optional.of(new NativeLowBitKernel(library, v, lowBitKernel()));
    }

    /** The C low-bit variants this CPU runs, 0 (scalar C) up to the best; none without the library. */
    public int nativeLowBitVariants() {
        NativeLibrary library = nativeLibrary();
        return library == null ? 0 : library.lowBitVariant + 1;
    }

    /** The C library when the cap is native and it loads (once per JVM, on the first call), else null. */
    private NativeLibrary nativeLibrary() {
        return cap == Level.NATIVE ? NativeLibrary.get().library() : null;
    }

    /** Why {@link #nativeKernel()} is empty, or null when it is not. */
    public String nativeProblem() {
        if (cap != Level.NATIVE) {
            return "native kernels are off (-D" + PROPERTY + "=" + cap.key() + ")";
        }
        return NativeLibrary.get().problem();
    }

    /**
     * Whether the Vector API kernels run here: null when they do, else why not. The Hamming kernel is loaded by name
     * (and initialised) to find out, as the cpu backend will use it.
     */
    private static final class PanamaLoader {
        static final String PROBLEM = load();

        private PanamaLoader() {
        }

        private static String load() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return "jdk.incubator.vector is not in the module graph (start the JVM with --add-modules jdk.incubator.vector)";
            }
            try {
                Class.forName("io.binaryllm.internal.vectorization.PanamaHammingKernel", true, PanamaLoader.class.getClassLoader());
                return null;
            } catch (ClassNotFoundException | LinkageError e) {
                return "the Vector API kernels did not load (" + e + ")";
            }
        }
    }
}
