package io.binaryllm.internal.vectorization;

/**
 * Makes the Vector API kernels. Called only when {@link VectorizationProvider} found {@code jdk.incubator.vector} in
 * the module graph; the signatures name only the kernels' interfaces, so loading this class links nothing from the
 * vector module.
 */
final class PanamaKernels {
    private PanamaKernels() {
    }

    static HammingKernel hamming() {
        return new PanamaHammingKernel();
    }

    static OsqKernel osq() {
        return new PanamaOsqKernel();
    }

    static SignPacker signPacker() {
        return new PanamaSignPacker();
    }

    static ProjectionSigns projectionSigns() {
        return new PanamaProjectionSigns();
    }

    static DotProduct dotProduct() {
        return new PanamaDotProduct();
    }

    static Exponentials exponentials() {
        return new PanamaExponentials();
    }

    static LowBitKernel lowBit() {
        return new PanamaLowBitKernel();
    }
}
