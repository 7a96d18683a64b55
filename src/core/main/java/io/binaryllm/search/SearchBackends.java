package io.binaryllm.search;

import io.binaryllm.BadArgumentException;
import io.binaryllm.internal.vectorization.KernelWarmup;
import io.binaryllm.lowbit.LowBitKernels;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The registered backends, and the choice behind a backend's name ({@code auto}: the fastest available). */
public final class SearchBackends {
    /** The backends of the binaryllm-gpu artifact, named in the refusal when core is alone. */
    private static final List<String> GPU_BACKENDS = List.of("opencl", "cuda");

    private SearchBackends() {
    }

    /**
     * A fresh instance of every backend registered on the classpath, available or not, in registration order
     * (core's reference, cpu and native first). Nothing here probes a device: opening a driver costs a tenth of a
     * second that a run on another backend should not pay.
     */
    public static List<SearchBackend> loadAll() {
        List<SearchBackend> all = new ArrayList<>();
        ServiceLoader.load(SearchBackend.class).forEach(all::add);
        return all;
    }

    /** Names of every registered backend. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (SearchBackend b : loadAll()) {
            names.add(b.name());
            b.close();
        }
        return names;
    }

    /**
     * Opens backend {@code name}: {@code auto}, or one of {@link #names()}. A named backend that cannot run here is
     * refused with its reason.
     */
    public static SearchBackend open(String name) {
        return choose(name, loadAll());
    }

    /**
     * The low-bit kernels of backend {@code name}: {@code auto} takes the available backend with kernels of the highest
     * {@link SearchBackend#autoPreference()} (native where its library loads, else cpu); a named backend without them
     * is refused, naming the ones that have them. The backend is closed: the CPU backends' kernels hold nothing open.
     */
    public static LowBitKernels lowBitKernels(String name) {
        List<SearchBackend> all = loadAll();
        List<String> with = new ArrayList<>();
        LowBitKernels best = null;
        int bestPreference = Integer.MIN_VALUE;
        try {
            for (SearchBackend b : all) {
                if (b.availability().available() && b.lowBitKernels().isPresent()) {
                    with.add(b.name());
                    if (name.equals("auto") && b.autoPreference() > bestPreference) {
                        best = b.lowBitKernels().get();
                        bestPreference = b.autoPreference();
                    }
                }
            }
        } finally {
            all.forEach(SearchBackend::close);
        }
        if (name.equals("auto")) {
            return best; // reference always has them
        }
        try (SearchBackend b = open(name)) {
            return b.lowBitKernels().orElseThrow(() -> new BadArgumentException("backend", name
                    + " has no low-bit kernels; these backends have: " + String.join(", ", with)));
        }
    }

    /**
     * The backend {@code name} names among {@code candidates} ({@code auto}: the available one with the highest
     * {@link SearchBackend#autoPreference()}, ties to the earlier); the others are closed.
     */
    static SearchBackend choose(String name, List<SearchBackend> candidates) {
        SearchBackend chosen = null;
        try {
            if (name.equals("auto")) {
                for (SearchBackend b : candidates) {
                    if (b.availability().available() && (chosen == null || b.autoPreference() > chosen.autoPreference())) {
                        chosen = b;
                    }
                }
                if (chosen == null) {
                    throw new IllegalStateException("no backend is available, not even reference");
                }
                String note = passedOver(candidates, chosen);
                if (note != null && NOTED.add(note)) {
                    // Only then is a logger made: setting up logging costs a short command-line run milliseconds.
                    System.getLogger(SearchBackends.class.getName()).log(System.Logger.Level.WARNING, note);
                }
            } else {
                chosen = candidates.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow(() -> new BadArgumentException(
                        "backend", "unknown backend '" + name + "'; known: auto, "
                        + String.join(", ", candidates.stream().map(SearchBackend::name).toList())
                        + (GPU_BACKENDS.contains(name) ? " (the GPU backends come with binaryllm-gpu: add it beside binaryllm-core)" : "")));
                Availability a = chosen.availability();
                if (!a.available()) {
                    chosen = null;
                    throw new BadArgumentException("backend", name + " is unavailable here: " + a.detail());
                }
            }
            return chosen;
        } finally {
            for (SearchBackend b : candidates) {
                if (b != chosen) {
                    b.close();
                }
            }
        }
    }

    /** The notes {@link #choose} logged in this JVM: each is said once. */
    private static final java.util.Set<String> NOTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Why {@code auto} did not choose the native kernel, when it is registered but unavailable and would have been
     * preferred to {@code chosen} (a JVM without {@code --enable-native-access}, a library that does not load): it
     * costs speed, so it is said. Unavailable GPU backends are the usual case on a machine without one, and not said.
     */
    static String passedOver(List<SearchBackend> candidates, SearchBackend chosen) {
        for (SearchBackend b : candidates) {
            if (b.name().equals("native") && b != chosen && b.autoPreference() > chosen.autoPreference()) {
                Availability a = b.availability();
                if (!a.available()) {
                    return "backend auto: native is unavailable (" + a.detail() + "); using " + chosen.name();
                }
            }
        }
        return null;
    }

    /**
     * Starts compiling the Java search kernel for codes of {@code words} words on a spare core, when backend
     * {@code name} will search with it ({@code cpu}, or {@code auto} choosing cpu); returns at once. Until the JIT has
     * compiled it the Vector API kernel runs ~100x slower, which a short command-line run feels: started before the
     * arguments are even parsed, the compilation is mostly done when the search begins. Whether {@code auto} means
     * cpu is known only once the GPU backends are probed; that happens on the warm-up thread (the probes are made
     * once per JVM, so the search itself then finds them done). Results never depend on whether, or how far, it ran.
     */
    public static void warmUp(String name, int words) {
        if (name.equals("cpu")) {
            KernelWarmup.startInBackground(words);
        } else if (name.equals("auto")) {
            KernelWarmup.startInBackground(words, () -> runsJavaKernel(name, loadAll()));
        }
    }

    /** Whether backend {@code name} among {@code candidates} is cpu, the backend of the Java kernel; closes them all. */
    static boolean runsJavaKernel(String name, List<SearchBackend> candidates) {
        try (SearchBackend chosen = choose(name, candidates)) {
            return chosen.name().equals("cpu");
        } catch (RuntimeException e) {
            return false; // the search reports it
        }
    }
}
