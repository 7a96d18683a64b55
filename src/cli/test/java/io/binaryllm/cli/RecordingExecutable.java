package io.binaryllm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in for a program a command hands over to ({@code spark-submit}, {@code java}): a shell script at
 * {@code HOME/bin/NAME} that writes its arguments, one a line, to {@code HOME/bin/args} and exits 3, so a test sees
 * exactly what was handed over and that the exit code comes back.
 */
final class RecordingExecutable {
    static final int EXIT = 3;

    private RecordingExecutable() {
    }

    /** Makes {@code home/bin/name}; returns {@code home}. */
    static Path at(Path home, String name) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\nexit " + EXIT + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /** The arguments the last run under {@code home} was given. */
    static List<String> args(Path home) throws IOException {
        return Files.readAllLines(home.resolve("bin/args"));
    }
}
