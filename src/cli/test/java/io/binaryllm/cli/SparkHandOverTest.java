package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --spark}: what is handed to spark-submit, and what is refused before. */
class SparkHandOverTest {
    @TempDir
    Path dir;

    /** A spark-submit that writes its arguments, one a line, beside itself and exits 3. */
    private Path fakeSparkHome() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("spark/bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\nexit 3\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve("spark");
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
        int code = SparkHandOver.run("local[2]", SparkHandOver.SEARCH_APP, List.of("--k", "3"), List.of("--driver-memory", "2g"),
                Map.of("SPARK_HOME", spark.toString()), home);
        assertThat(code).isEqualTo(3);
        assertThat(Files.readAllLines(spark.resolve("bin/args"))).containsExactly("--master", "local[2]", "--class",
                SparkHandOver.SEARCH_APP, "--conf", "spark.log.level=WARN", "--driver-memory", "2g",
                home.resolve("lib").resolve(SparkHandOver.APP_JAR).toAbsolutePath().toString(), "--k", "3");
        // Found on the PATH as well.
        assertThat(SparkHandOver.sparkSubmit(Map.of("PATH", "/nonexistent:" + spark.resolve("bin"))))
                .isEqualTo(spark.resolve("bin/spark-submit"));
    }

    @Test
    void withoutSparkOrTheJarTheOptionIsRefusedNamingWhatIsMissing() throws Exception {
        assertThatThrownBy(() -> SparkHandOver.sparkSubmit(Map.of("PATH", dir.toString())))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("set SPARK_HOME or put spark-submit on the PATH");
        assertThatThrownBy(() -> SparkHandOver.sparkSubmit(Map.of("SPARK_HOME", dir.toString())))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("no executable bin/spark-submit");
        assertThatThrownBy(() -> SparkHandOver.appJar(dir)).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining(SparkHandOver.APP_JAR + " is not built");
        assertThatThrownBy(() -> SparkHandOver.command(" ", SparkHandOver.RUN_APP, List.of(), List.of(), Map.of(), dir))
                .isInstanceOf(BadArgumentException.class).hasMessageContaining("a master is needed");
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
        };
        String[] expected = {"--distances: a search on Spark writes --indices and --distances", "already exists",
                "--query-bits: osq queries take 4 or 8", "--database: one database file (several shards, or a directory of them, need --spark)"};
        for (int i = 0; i < cases.length; i++) {
            CliHarness.Run r = CliHarness.cli((Object[]) cases[i]);
            assertThat(r.code()).as(expected[i]).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).contains(expected[i]).hasLineCount(1);
        }
    }
}
