package io.binaryllm.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One temporary directory per fuzzing JVM: each input is written over the previous one under a fixed name. */
public final class Scratch {
    private static final Path DIR = create();

    private Scratch() {
    }

    private static Path create() {
        try {
            Path dir = Files.createTempDirectory("binaryllm-fuzz-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bytes} as the file {@code name} (a relative path) of the scratch directory. */
    public static Path write(String name, byte[] bytes) {
        try {
            Path file = DIR.resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path dir() {
        return DIR;
    }
}
