package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code train-llama}: the trainer runs in a JVM of its own, on the class path of {@code src/train} (DJL and PyTorch's
 * CPU library, ~110 MB, which the command-line tool and the GPU bundle leave out), with this JVM's flags. It keeps
 * the contract of every command itself ({@code TrainMain}: exit 2 and one line for bad input); its exit code is this
 * command's.
 */
final class TrainHandOver {
    static final String MAIN = "io.binaryllm.train.TrainMain";
    static final String CLASSPATH_FILE = "src/train/target/runtime-classpath.txt";

    private TrainHandOver() {
    }

    static int run(List<String> args) {
        return run(args, Path.of(System.getProperty("binaryllm.home", ".")), Path.of(System.getProperty("java.home")), System.getenv());
    }

    static int run(List<String> args, Path home, Path javaHome, Map<String, String> env) {
        return start(command(args, home, javaHome, env), allocator(env));
    }

    /**
     * glibc's allocator settings for the trainer: PyTorch frees and takes back a few MB of activations per operation,
     * which glibc otherwise maps and unmaps each time (half of a quantization-aware step was the kernel zeroing fresh
     * pages). Kept on the heap, a 20-step ternary run of the Austen model took 103 s of wall time instead of 201 on 2
     * cores (kernel time 50 s instead of 125). The arithmetic is unchanged; a user's own settings win.
     */
    static Map<String, String> allocator(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        for (var e : Map.of("MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "4294967296",
                "MALLOC_TOP_PAD_", "268435456").entrySet()) {
            if (!env.containsKey(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The trainer's command line: this JVM's java, the engine's flags, the launcher's BINARYLLM_JAVA_OPTS. */
    static List<String> command(List<String> args, Path home, Path javaHome, Map<String, String> env) {
        Path list = home.resolve(CLASSPATH_FILE);
        Path classes = home.resolve("src/train/target/classes");
        if (!Files.isRegularFile(list) || !Files.isDirectory(classes)) {
            throw new BadInputException("train-llama needs the source tree's train module built (" + list + " is missing):"
                    + " run it through bin/binaryllm, which builds it, or mvn -B -DskipTests package -pl src/train -am;"
                    + " the self-contained bundle leaves it out (PyTorch's CPU library is ~110 MB)");
        }
        String classPath;
        try {
            classPath = classes.toAbsolutePath() + java.io.File.pathSeparator + Files.readString(list, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw BadInputException.in(list, "cannot read: " + FileKinds.reason(e));
        }
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                // DJL finds PyTorch's library in its jar, never on the network; its log below warnings stays quiet
                "-Dai.djl.offline=true", "-Djava.util.logging.config.file=/dev/null"));
        String opts = env.getOrDefault("BINARYLLM_JAVA_OPTS", "").strip();
        if (!opts.isEmpty()) {
            command.addAll(Arrays.asList(opts.split("\\s+")));
        }
        command.addAll(List.of("-cp", classPath, MAIN));
        command.addAll(args);
        return command;
    }

    private static int start(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder b = new ProcessBuilder(command).inheritIO();
            b.environment().putAll(environment);
            return b.start().waitFor();
        } catch (IOException e) {
            throw new BadInputException("train-llama: cannot start " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInputException("train-llama: interrupted while the trainer ran");
        }
    }
}
