package io.binaryllm.gpu.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * The OpenCL program: binaryllm.cl with every {@code #include "file"} replaced by the file's text (recursively,
     * and each time it appears: the top-k template is included once per tile size), since a program built from a
     * string has no folder to include from.
     */
    public static String openClProgram() {
        return inline(read("binaryllm.cl"), 0);
    }

    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([^\"]+)\"$");

    private static String inline(String source, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("kernels: #include nested deeper than 8");
        }
        Matcher m = INCLUDE.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(inline(read(m.group(1)), depth + 1)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
