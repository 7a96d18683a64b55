package io.binaryllm.search.nativec;

import io.binaryllm.search.Availability;
import io.binaryllm.search.blocked.BlockedBackend;
import io.binaryllm.search.blocked.BlockedSearch;
import io.binaryllm.search.blocked.HammingKernel;

/**
 * {@code native}: the blocked search with the C kernel through Panama FFM, on Java threads. The C variant
 * (AVX-512 VPOPCNTDQ, AVX2 or scalar) is chosen by CPU feature when the library loads.
 */
public final class NativeBackend extends BlockedBackend {
    private final int forceVariant;
    private NativeKernel kernel;

    public NativeBackend() {
        this(BlockedSearch.Settings.defaults(), -1);
    }

    /** For tests: explicit settings and C variant (0 scalar, 1 AVX2, 2 AVX-512; -1 the best available). */
    public NativeBackend(BlockedSearch.Settings settings, int forceVariant) {
        super(settings);
        this.forceVariant = forceVariant;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public Availability availability() {
        NativeLibrary.Loaded loaded = NativeLibrary.get();
        if (loaded.library() == null) {
            return Availability.unavailable(loaded.problem());
        }
        return Availability.of(kernel().describe() + " via Panama FFM, " + settings().threads() + " threads");
    }

    @Override
    public int autoPreference() {
        return 30;
    }

    @Override
    protected synchronized HammingKernel kernel() {
        if (kernel == null) {
            kernel = new NativeKernel(NativeLibrary.get().library(), forceVariant);
        }
        return kernel;
    }
}
