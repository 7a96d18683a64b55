package io.binaryllm.internal.vectorization;

/** Creates the Vector API kernels; loaded by name, only when {@code jdk.incubator.vector} is in the module graph. */
final class PanamaKernels {
    private PanamaKernels() {
    }

    static VectorizationProvider.JavaKernels create() {
        PanamaHammingKernel hamming = new PanamaHammingKernel();
        return new VectorizationProvider.JavaKernels(hamming.describe(), hamming, new PanamaSignPacker(),
                new PanamaProjectionSigns(), new PanamaDotProduct());
    }
}
