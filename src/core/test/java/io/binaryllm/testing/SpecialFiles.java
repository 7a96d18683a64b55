package io.binaryllm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.abort;

/**
 * What hostile-input tests make: named pipes, the pid of a process that is gone (to stand for a process killed
 * mid-write), and a tiny file system that fills up. Each needs a tool of the machine; where it is missing the test
 * is aborted as a JUnit assumption, reported as skipped with the reason.
 */
public final class SpecialFiles {
    private SpecialFiles() {
    }

    /** A FIFO (named pipe) at {@code path}, made with mkfifo(1). */
    public static Path fifo(Path path) {
        run("mkfifo", path.toString());
        return path;
    }

    /** The pid of a process that has exited: a child that ran {@code true}, waited for. */
    public static long deadPid() {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (IOException e) {
            abort("cannot start a process: " + e.getMessage());
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A tmpfs of {@code kib} KiB mounted on {@code dir} (root only); closing unmounts it. */
    public static AutoCloseable tinyDisk(Path dir, int kib) throws IOException {
        Files.createDirectories(dir);
        if (!tryRun("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString())) {
            abort("cannot mount a tmpfs on " + dir + " (needs root, or a container that allows mounts): no full disk to test with");
        }
        return () -> tryRun("umount", dir.toString());
    }

    private static void run(String... command) {
        if (!tryRun(command)) {
            abort(String.join(" ", command) + " failed or is not installed here");
        }
    }

    private static boolean tryRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
