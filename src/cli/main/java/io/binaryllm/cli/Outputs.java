package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.AtomicOutput;

import java.nio.file.Files;
import java.nio.file.Path;

/** The commands' check of an output path before any work: the library's, with the option that lifts the refusal. */
final class Outputs {
    private Outputs() {
    }

    /** Refuses a path that exists (unless {@code --force}), is a directory or has no directory. */
    static void requireWritable(Path output, boolean force) {
        if (!force && Files.exists(output) && !Files.isDirectory(output)) {
            throw BadInputException.in(output, "already exists (pass --force to replace it)");
        }
        AtomicOutput.requireWritable(output, force);
    }
}
