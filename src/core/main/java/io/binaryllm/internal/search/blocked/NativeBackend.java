package io.binaryllm.internal.search.blocked;

import io.binaryllm.internal.vectorization.HammingKernel;
import io.binaryllm.internal.vectorization.OsqKernel;
import io.binaryllm.internal.vectorization.NativeHammingKernel;
import io.binaryllm.internal.vectorization.VectorizationProvider;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.search.Availability;

import java.util.Optional;

/**
 * {@code native}: the blocked search with the C kernel through Panama FFM, on Java threads. The C variant
 * (AVX-512 VPOPCNTDQ, AVX2 or scalar) is chosen by CPU feature when the library loads.
 */
public final class NativeBackend extends BlockedBackend {
    private final int forceVariant;

    public NativeBackend() {
        this(null, -1);
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
        Optional<NativeHammingKernel> k = nativeKernel();
        return k.isEmpty() ? Availability.unavailable(VectorizationProvider.get().nativeProblem())
                : Availability.of(k.get().describe() + " via Panama FFM, " + settings().threads() + " threads");
    }

    @Override
    public int autoPreference() {
        return 30;
    }

    @Override
    public Optional<LowBitKernels> lowBitKernels() {
        return LowBitKernels.nativeC();
    }

    @Override
    protected OsqKernel osqKernel() {
        return nativeKernel().orElseThrow().osq();
    }

    @Override
    protected HammingKernel kernel() {
        return nativeKernel().orElseThrow();
    }

    private Optional<NativeHammingKernel> nativeKernel() {
        return VectorizationProvider.get().nativeKernel().map(k -> forceVariant < 0 ? k : k.withVariant(forceVariant));
    }
}
