package io.binaryllm.internal.vectorization;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code libbinaryllm.so} (built from {@code native/} by the Maven build where gcc exists) and its downcall
 * handles. The library is a jar resource; it is copied to a private temporary folder once per JVM, because the
 * dynamic loader can only open files. Loading never throws: {@link #load()} records why it failed.
 */
final class NativeLibrary {
    /** The C variants by number, as {@code blm_best_variant} returns them. */
    static final String[] VARIANTS = {"scalar C", "AVX2 C (nibble-table popcount)", "AVX-512 VPOPCNTDQ C"};

    /** The low-bit kernels' variants by number, as {@code blm_lowbit_variant} returns them. */
    static final String[] LOW_BIT_VARIANTS = {"scalar C", "AVX2 C (vpmaddubsw)", "AVX-512 VNNI C (vpdpbusd)"};

    /** The float32 product's variants by number, as {@code blm_f32_variant} returns them. */
    static final String[] F32_VARIANTS = {"scalar C", "AVX2 C (vcvtps2pd + vfmadd)", "AVX-512 C (vcvtps2pd + vfmadd)"};

    final int bestVariant;
    final int lowBitVariant;
    final int f32Variant;
    final MethodHandle topK;
    final MethodHandle distances;
    final MethodHandle osqTopK;
    final MethodHandle ternarySums;
    final MethodHandle tq2Sums;
    final MethodHandle f32MatVec;
    final MethodHandle f32Dots;
    final Path file;

    private NativeLibrary(SymbolLookup lookup, Path file) {
        Linker linker = Linker.nativeLinker();
        // critical(true): the kernels take Java arrays directly (no copies); a call scans one tile, milliseconds.
        Linker.Option heapAccess = Linker.Option.critical(true);
        this.file = file;
        try {
            this.bestVariant = (int) linker.downcallHandle(lookup.findOrThrow("blm_best_variant"), FunctionDescriptor.of(JAVA_INT)).invokeExact();
            this.lowBitVariant = (int) linker.downcallHandle(lookup.findOrThrow("blm_lowbit_variant"), FunctionDescriptor.of(JAVA_INT)).invokeExact();
            this.f32Variant = (int) linker.downcallHandle(lookup.findOrThrow("blm_f32_variant"), FunctionDescriptor.of(JAVA_INT)).invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("blm_best_variant failed", t);
        }
        this.topK = linker.downcallHandle(lookup.findOrThrow("blm_topk"), FunctionDescriptor.ofVoid(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), heapAccess);
        this.distances = linker.downcallHandle(lookup.findOrThrow("blm_distances"), FunctionDescriptor.ofVoid(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), heapAccess);
        this.osqTopK = linker.downcallHandle(lookup.findOrThrow("blm_osq_topk"), FunctionDescriptor.ofVoid(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), heapAccess);
        FunctionDescriptor lowBit = FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
        this.ternarySums = linker.downcallHandle(lookup.findOrThrow("blm_ternary_sums"), lowBit, heapAccess);
        this.tq2Sums = linker.downcallHandle(lookup.findOrThrow("blm_tq2_sums"), lowBit, heapAccess);
        this.f32MatVec = linker.downcallHandle(lookup.findOrThrow("blm_f32_matvec"), FunctionDescriptor.ofVoid(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), heapAccess);
        this.f32Dots = linker.downcallHandle(lookup.findOrThrow("blm_f32_dots"), FunctionDescriptor.ofVoid(
                JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), heapAccess);
    }

    /** The library, or the reason it is not here. */
    record Loaded(NativeLibrary library, String problem) {
    }

    private static final Loaded LOADED = load();

    static Loaded get() {
        return LOADED;
    }

    static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return (os.contains("linux") ? "linux" : os.replace(' ', '-')) + "-" + (arch.equals("amd64") ? "x86_64" : arch);
    }

    private static Loaded load() {
        Module module = NativeLibrary.class.getModule();
        if (!module.isNativeAccessEnabled()) { // asked before any restricted call, so the JDK prints no warning
            return new Loaded(null, "native access is not enabled (start the JVM with --enable-native-access="
                    + (module.isNamed() ? module.getName() : "ALL-UNNAMED") + ")");
        }
        String resource = "/native/" + platform() + "/libbinaryllm.so";
        URL url = NativeLibrary.class.getResource(resource);
        if (url == null) {
            return new Loaded(null, "no native library for " + platform() + " in the jar (the build found no gcc, or the platform is not x86-64 Linux)");
        }
        try {
            Path file;
            if (url.getProtocol().equals("file")) {
                file = Path.of(url.toURI());
            } else {
                Path dir = Files.createTempDirectory("binaryllm-native-");
                file = dir.resolve("libbinaryllm.so");
                try (InputStream in = url.openStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            }
            return new Loaded(new NativeLibrary(SymbolLookup.libraryLookup(file, Arena.global()), file), null);
        } catch (IllegalCallerException e) {
            return new Loaded(null, "native access is not enabled (start the JVM with --enable-native-access=ALL-UNNAMED)");
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return new Loaded(null, "cannot load " + resource + ": " + e.getMessage());
        }
    }
}
