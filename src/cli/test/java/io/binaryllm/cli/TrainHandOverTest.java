package io.binaryllm.cli;

import io.binaryllm.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code train-llama}: a subcommand that runs the train module's trainer in a JVM of its own. */
class TrainHandOverTest {
    @TempDir
    Path dir;

    /** A java that records its arguments and exits 3. */
    private Path fakeJavaHome() throws Exception {
        return RecordingExecutable.at(dir.resolve("jdk"), "java");
    }

    /** A source tree whose train module is built: its classes and its runtime class path. */
    private Path builtHome() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("src/train/target/classes"));
        Files.writeString(home.resolve(TrainHandOver.CLASSPATH_FILE), "/m2/djl.jar:/m2/pytorch.jar\n");
        return home;
    }

    @Test
    void theTrainerRunsInItsOwnJvmWithTheEnginesFlagsAndItsExitCodeIsTheCommands() throws Exception {
        Path java = fakeJavaHome();
        Path home = builtHome();
        int code = TrainHandOver.run(List.of("--seed", "abc", "--help"), home, java, Map.of("BINARYLLM_JAVA_OPTS", " -Xmx3g  -Dx=y "));
        assertThat(code).isEqualTo(RecordingExecutable.EXIT);
        assertThat(RecordingExecutable.args(java)).containsExactly("--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-Djava.util.logging.config.file=/dev/null",
                "-Xmx3g", "-Dx=y", "-cp", home.resolve("src/train/target/classes").toAbsolutePath() + ":/m2/djl.jar:/m2/pytorch.jar",
                TrainHandOver.MAIN, "--seed", "abc", "--help");
    }

    @Test
    void theTrainerKeepsFreedMemoryOnTheHeapUnlessTheUserSaysOtherwise() {
        assertThat(TrainHandOver.allocator(Map.of())).containsOnlyKeys("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_");
        assertThat(TrainHandOver.allocator(Map.of("MALLOC_TRIM_THRESHOLD_", "0"))).doesNotContainKey("MALLOC_TRIM_THRESHOLD_").hasSize(2);
    }

    @Test
    void withoutTheBuiltTrainModuleItIsOneLineSayingHowToBuildIt() {
        assertThatThrownBy(() -> TrainHandOver.command(List.of(), dir, dir, Map.of())).isInstanceOf(BadInputException.class)
                .hasMessageContaining("train-llama needs the source tree's train module built")
                .hasMessageContaining("mvn -B -DskipTests package -pl src/train -am");
        String home = System.getProperty("binaryllm.home");
        System.setProperty("binaryllm.home", dir.toString());
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "train-llama", "--help")).isEqualTo(2);
            assertThat(err.toString()).startsWith("binaryllm: train-llama needs").hasLineCount(1);
        } finally {
            if (home == null) {
                System.clearProperty("binaryllm.home");
            } else {
                System.setProperty("binaryllm.home", home);
            }
        }
    }

    @Test
    void theMainHelpListsItAndAnUnknownCommandNamesIt() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--help")).isZero();
        assertThat(out.toString()).contains("train-llama  Train the project's small Llama");
        StringWriter unknown = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(unknown, true), "train", "--help")).isEqualTo(2);
        assertThat(unknown.toString()).contains("unknown command 'train'").contains("train-llama");
    }
}
