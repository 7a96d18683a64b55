package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --spark}: what is handed to spark-submit, and what is refused before. */
class SparkHandOverTest {
    @TempDir
    Path dir;

    /** A spark-submit that records its arguments and exits 3. */
    private Path fakeSparkHome() throws Exception {
        return RecordingExecutable.at(dir.resolve("spark"), "spark-submit");
    }

    private Path home() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home/lib"));
        Files.write(home.resolve(SparkHandOver.APP_JAR), new byte[]{0});
        return home.getParent();
    }

    @Test
    void theCommandIsSparkSubmitWithTheApplicationJarAndItsExitCodeIsReturned() throws Exception {
        Path spark = fakeSparkHome();
        Path home = home();
        int code = SparkHandOver.run(new SparkHandOver.Job("local[2]", SparkHandOver.SEARCH_APP, List.of("--k", "3"),
                Map.of("binaryllm.home", "/h"), false), Map.of("SPARK_HOME", spark.toString()), home, dir);
        assertThat(code).isEqualTo(RecordingExecutable.EXIT);
        assertThat(RecordingExecutable.args(spark)).containsExactly("--driver-java-options", "-Dbinaryllm.home=/h",
                "--master", "local[2]", "--class", SparkHandOver.SEARCH_APP, "--conf", "spark.log.level=OFF",
                home.resolve("lib").resolve(SparkHandOver.APP_JAR).toAbsolutePath().toString(), "--k", "3");
        // Found on the PATH as well; --debug shows Spark's warnings and reaches the application.
        assertThat(SparkHandOver.sparkSubmit(Map.of("PATH", "/nonexistent:" + spark.resolve("bin"))))
                .isEqualTo(spark.resolve("bin/spark-submit"));
        assertThat(SparkHandOver.command(new SparkHandOver.Job("yarn", SparkHandOver.RUN_APP, List.of("c.yaml"), Map.of(), true),
                Map.of("PATH", spark.resolve("bin").toString()), home, dir))
                .containsSubsequence("--conf", "spark.log.level=WARN").endsWith("c.yaml", "--debug");
    }

    /**
     * Without an installation a local master runs Spark's SparkSubmit in a JVM of its own, on the jars the Spark
     * module's build lists, with the module openings Spark's launcher passes and Spark's log off.
     */
    @Test
    void aLocalMasterRunsWithoutAnInstallationOnTheRepositorysSpark() throws Exception {
        Path home = home();
        Path list = home.resolve(SparkHandOver.CLASSPATH_FILE);
        Files.createDirectories(list.getParent());
        Files.writeString(list, "/m2/spark-core.jar:/m2/scala-library.jar\n");
        Path jdk = dir.resolve("jdk");
        String app = home.resolve("lib").resolve(SparkHandOver.APP_JAR).toAbsolutePath().toString();
        List<String> c = SparkHandOver.command(new SparkHandOver.Job("local[2]", SparkHandOver.RUN_APP, List.of("c.yaml"),
                Map.of("binaryllm.home", "/h"), false), Map.of("PATH", dir.toString()), home, jdk);
        assertThat(c.getFirst()).isEqualTo(jdk.resolve("bin/java").toString());
        assertThat(c).containsAll(SparkHandOver.SPARK_JVM_FLAGS).contains("-Dbinaryllm.home=/h",
                        "-Dlog4j2.configurationFile=binaryllm-spark-log4j2.properties", "--enable-native-access=ALL-UNNAMED")
                .containsSubsequence("-cp", app + ":/m2/spark-core.jar:/m2/scala-library.jar", SparkHandOver.SUBMIT, "--master", "local[2]",
                        "--class", SparkHandOver.RUN_APP, "--conf", "spark.log.level=OFF", app, "c.yaml")
                .doesNotContain("--driver-java-options", "-Dbinaryllm.spark.log=warn");
        assertThat(SparkHandOver.command(new SparkHandOver.Job("local", SparkHandOver.RUN_APP, List.of("c.yaml"), Map.of(), true),
                Map.of(), home, jdk)).contains("-Dbinaryllm.spark.log=warn").endsWith("--debug");
        // A cluster needs its installation; Spark's jars unlisted are named with the command that lists them.
        assertThatThrownBy(() -> SparkHandOver.command(new SparkHandOver.Job("yarn", SparkHandOver.RUN_APP, List.of(), Map.of(), false),
                Map.of(), home, jdk)).isInstanceOf(BadArgumentException.class).hasMessageContaining("needs a Spark 4.2 installation");
        Files.delete(list);
        assertThatThrownBy(() -> SparkHandOver.command(new SparkHandOver.Job("local[*]", SparkHandOver.RUN_APP, List.of(), Map.of(), false),
                Map.of(), home, jdk)).isInstanceOf(BadArgumentException.class).hasMessageContaining("Spark's jars are not listed");
    }

    /** A master no Spark takes is refused here, in one line, before anything starts (Spark's refusal was 13 lines). */
    @Test
    void mastersAreCheckedBeforeTheHandOver() {
        for (String good : List.of("local", "local[1]", "local[*]", "local[4,2]", "local-cluster[2,1,1024]", "spark://h:7077",
                "spark://a:7077,b:7077", "yarn", "k8s://https://h:6443")) {
            SparkHandOver.requireMaster(good);
        }
        for (String bad : List.of("bogus", "local[0]", "local[-1]", "local[]", "local[2", "spark://", "yarn-cluster", "LOCAL[2]")) {
            assertThatThrownBy(() -> SparkHandOver.requireMaster(bad)).as(bad).isInstanceOf(BadArgumentException.class)
                    .hasMessageStartingWith("not a Spark master: '" + bad + "'");
        }
        for (String[] args : new String[][]{{"search", "--spark", "local[0]", "--database", "d", "--queries", "q", "--k", "3",
                "--indices", dir.resolve("i.npy").toString(), "--distances", dir.resolve("d.npy").toString()},
                {"run", "--spark", "bogus"}}) {
            CliHarness.Run r = CliHarness.cli((Object[]) args);
            assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).startsWith("binaryllm: --spark: not a Spark master").hasLineCount(1);
        }
    }

    @Test
    void withoutSparkOrTheJarTheOptionIsRefusedNamingWhatIsMissing() throws Exception {
        assertThat(SparkHandOver.sparkSubmit(Map.of("PATH", dir.toString()))).isNull();
        assertThatThrownBy(() -> SparkHandOver.sparkSubmit(Map.of("SPARK_HOME", dir.toString())))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("no executable bin/spark-submit");
        assertThatThrownBy(() -> SparkHandOver.appJar(dir)).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining(SparkHandOver.APP_JAR + " is not built");
        assertThatThrownBy(() -> SparkHandOver.command(new SparkHandOver.Job(" ", SparkHandOver.RUN_APP, List.of(), Map.of(), false),
                Map.of(), dir, dir)).isInstanceOf(BadArgumentException.class).hasMessageContaining("a master is needed");
    }

    /** search's options as the Spark application reads them: repeated databases kept as given, local paths absolute. */
    @Test
    void searchHandsOverItsOptions() {
        SearchCommand c = new SearchCommand();
        new CommandLine(c).parseArgs("--spark", "yarn", "--database", "hdfs://nn/corpus", "--database", "shard.npy",
                "--queries", "q.npy", "--k", "10", "--bits", "97", "--indices", "i.npy", "--distances", "d.npy", "--force");
        String cwd = Path.of("").toAbsolutePath().toString();
        assertThat(c.sparkArgs()).containsExactly("--database", "hdfs://nn/corpus", "--database", "shard.npy",
                "--queries", cwd + "/q.npy", "--k", "10", "--backend", "auto", "--indices", cwd + "/i.npy",
                "--distances", cwd + "/d.npy", "--bits", "97", "--force");
        SearchCommand osq = new SearchCommand();
        new CommandLine(osq).parseArgs("--spark", "local[2]", "--database", "osq/", "--queries", "f.npy", "--query-bits", "8",
                "--k", "5", "--indices", "i.npy", "--scores", "s.npy");
        assertThat(osq.sparkArgs()).containsSubsequence("--scores", cwd + "/s.npy").containsSubsequence("--query-bits", "8")
                .doesNotContain("--distances");
    }

    /** Problems this command can see are reported as always, before spark-submit is looked for. */
    @Test
    void badOptionsWithSparkAreRefusedBeforeTheHandOver() throws Exception {
        Path existing = Files.writeString(dir.resolve("i.npy"), "x");
        String[][] cases = {
                {"search", "--spark", "local[2]", "--database", "d", "--queries", "q", "--k", "3", "--indices", "i2.npy"},
                {"search", "--spark", "local[2]", "--database", "d", "--queries", "q", "--k", "3", "--indices", existing.toString(),
                        "--distances", "d2.npy"},
                {"search", "--spark", "local[2]", "--database", "d", "--queries", "q", "--query-bits", "5", "--k", "3",
                        "--indices", "i2.npy", "--scores", "s.npy"},
                {"search", "--database", "a.npy", "--database", "b.npy", "--queries", "q", "--k", "3", "--indices", "i2.npy",
                        "--distances", "d2.npy"},
                {"search", "--spark", "local[2]", "--database", "d", "--queries", "q", "--k", "0", "--indices", "i2.npy",
                        "--distances", "d2.npy"},
        };
        String[] expected = {"--distances: a search on Spark writes --indices and --distances", "already exists",
                "--query-bits: osq queries take 4 or 8", "--database: one database file (several shards, or a directory of them, need --spark)",
                "--k: k must be at least 1, got 0"};
        for (int i = 0; i < cases.length; i++) {
            CliHarness.Run r = CliHarness.cli((Object[]) cases[i]);
            assertThat(r.code()).as(expected[i]).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains(expected[i]).hasLineCount(1);
        }
    }
}
