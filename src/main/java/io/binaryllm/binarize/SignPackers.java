package io.binaryllm.binarize;

/** Loads the Vector API packer only when {@code jdk.incubator.vector} is in the module graph; else says why, once. */
final class SignPackers {
    static final SignPacker BEST = load();

    private SignPackers() {
    }

    private static SignPacker load() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.getLogger(SignPackers.class.getName()).log(System.Logger.Level.INFO,
                    "sign packing: jdk.incubator.vector is not in the module graph; using the scalar packer");
            return new ScalarSignPacker();
        }
        try {
            return (SignPacker) Class.forName("io.binaryllm.binarize.VectorSignPacker").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            System.getLogger(SignPackers.class.getName()).log(System.Logger.Level.WARNING,
                    "sign packing: the Vector API packer did not load (" + e + "); using the scalar packer");
            return new ScalarSignPacker();
        }
    }
}
