package io.binaryllm.search.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The GPU kernel sources packaged in the jar ({@code kernels/} of the repository). */
public final class KernelSources {
    private KernelSources() {
    }

    public static String read(String name) {
        try (InputStream in = KernelSources.class.getResourceAsStream("/kernels/" + name)) {
            if (in == null) {
                throw new IllegalStateException("kernels/" + name + " is not in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The OpenCL program: binaryllm.cl with its {@code #include "binaryllm_core.h"} replaced by the header's text,
     * since a program built from a string has no folder to include from.
     */
    public static String openClProgram() {
        return read("binaryllm.cl").replace("#include \"binaryllm_core.h\"", read("binaryllm_core.h"));
    }
}
