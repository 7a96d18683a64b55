package io.binaryllm.internal.search.blocked;

import io.binaryllm.internal.vectorization.HammingKernel;
import io.binaryllm.internal.vectorization.KernelWarmup;
import io.binaryllm.internal.vectorization.OsqKernel;
import io.binaryllm.internal.vectorization.VectorizationProvider;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.search.Availability;

import java.util.Optional;

/**
 * {@code cpu}: the blocked search with the Java Hamming kernel on every core: the Vector API one, or the scalar one
 * where {@link VectorizationProvider} decided so (it says why).
 */
public final class CpuBackend extends BlockedBackend {
    private final HammingKernel kernel;
    private final OsqKernel osqKernel;

    public CpuBackend() {
        this(null, VectorizationProvider.get());
    }

    /** For tests and benchmarks: explicit threads, tile size and selection, and the kernels of {@code kernels}. */
    public CpuBackend(BlockedSearch.Settings settings, VectorizationProvider kernels) {
        this(settings, kernels.hammingKernel(), kernels.osqKernel());
    }

    /** For tests and benchmarks: explicit threads, tile size and selection, and kernels. */
    public CpuBackend(BlockedSearch.Settings settings, HammingKernel kernel, OsqKernel osqKernel) {
        super(settings);
        this.kernel = kernel;
        this.osqKernel = osqKernel;
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
    public Optional<LowBitKernels> lowBitKernels() {
        return Optional.of(LowBitKernels.java());
    }

    @Override
    protected OsqKernel osqKernel() {
        return osqKernel;
    }

    @Override
    protected HammingKernel kernel() {
        KernelWarmup.awaitCompiled(3000);
        return kernel;
    }
}
