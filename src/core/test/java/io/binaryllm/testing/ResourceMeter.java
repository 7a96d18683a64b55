package io.binaryllm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a process holds that a leak would grow: open file descriptors, live threads, native memory (the JVM's
 * Native Memory Tracking, category Other: where {@code Arena} and direct-buffer allocations are counted; the tests run
 * with {@code -XX:NativeMemoryTracking=summary}, read through {@code jcmd}) and, where the caller measures one, device
 * memory.
 */
public final class ResourceMeter {
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    /** @param deviceBytes device memory held (0 where there is no device) */
    public record Use(long fileDescriptors, int threads, long nativeOtherKb, long deviceBytes) {
    }

    private ResourceMeter() {
    }

    /**
     * Runs {@code cycle} {@code warmUp} times (pools and caches fill, code compiles), measures, runs it {@code cycles}
     * times more, measures again: descriptors, threads and device memory must be back where they were, native memory
     * within {@code slackKb} (allocator noise; 256 KB is 26 bytes a cycle over 10,000 cycles).
     */
    public static void assertNoLeak(String what, int warmUp, int cycles, long slackKb, Runnable cycle, LongSupplier deviceBytes) {
        nativeOtherKb(); // jcmd's first visit starts the JVM's attach listener: a thread and a socket, once
        for (int i = 0; i < warmUp; i++) {
            cycle.run();
        }
        Use before = settle(deviceBytes);
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        Use after = settle(deviceBytes);
        assertThat(after.fileDescriptors()).as("%s: open file descriptors after %d cycles (before: %s)", what, cycles, before)
                .isLessThanOrEqualTo(before.fileDescriptors());
        assertThat(after.threads()).as("%s: live threads after %d cycles (before: %s)", what, cycles, before)
                .isLessThanOrEqualTo(before.threads());
        assertThat(after.deviceBytes()).as("%s: device bytes after %d cycles (before: %s)", what, cycles, before)
                .isLessThanOrEqualTo(before.deviceBytes());
        assertThat(after.nativeOtherKb()).as("%s: native memory (NMT Other, KB) after %d cycles (before: %s)", what, cycles, before)
                .isLessThanOrEqualTo(before.nativeOtherKb() + slackKb);
        System.out.printf("%s: %d cycles: %s -> %s%n", what, cycles, before, after);
    }

    /** The use once finished threads have ended and freed memory is collected (threads end asynchronously). */
    private static Use settle(LongSupplier deviceBytes) {
        long fds = fileDescriptors();
        int threads = Thread.getAllStackTraces().size();
        for (int i = 0; i < 100; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long nextFds = fileDescriptors();
            int nextThreads = Thread.getAllStackTraces().size();
            if (nextFds == fds && nextThreads == threads && i >= 2) {
                break;
            }
            fds = nextFds;
            threads = nextThreads;
        }
        return new Use(fds, threads, nativeOtherKb(), deviceBytes.getAsLong());
    }

    private static long fileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            assumeTrue(false, "no /proc/self/fd here: file descriptors cannot be counted");
            return -1;
        }
    }

    /** Committed KB of NMT's Other category, asked of this JVM with jcmd; skipped (with the reason) where NMT is off. */
    private static long nativeOtherKb() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jcmd = java.resolveSibling("jcmd");
        assumeTrue(Files.isExecutable(jcmd), "no jcmd beside " + java + ": native memory cannot be measured");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(ProcessHandle.current().pid()), "VM.native_memory", "summary")
                    .redirectErrorStream(true).start();
            String summary;
            try (var out = p.getInputStream(); var in = p.getOutputStream(); var err = p.getErrorStream()) {
                summary = new String(out.readAllBytes(), StandardCharsets.UTF_8); // closed here: a pipe left open is a descriptor counted
            }
            p.waitFor();
            Matcher m = OTHER.matcher(summary);
            assumeTrue(m.find(), "Native Memory Tracking is off (-XX:NativeMemoryTracking=summary): " + summary.strip());
            return Long.parseLong(m.group(2));
        } catch (IOException e) {
            assumeTrue(false, "jcmd failed: " + e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
