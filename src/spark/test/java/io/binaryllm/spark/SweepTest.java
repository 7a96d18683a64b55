package io.binaryllm.spark;

import io.binaryllm.runner.Runner;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's variants measured on Spark executors (local mode) against the same run on one machine. */
class SweepTest {
    @TempDir
    Path dir;

    private static JavaSparkContext localSpark() {
        return new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("binaryllm-sweep-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.log.level", "OFF"));
    }

    @Test
    void aSweepOnExecutorsWritesOneMachinesMetricsJson() throws Exception {
        Path config = SweepFixture.config(dir);
        StringWriter out = new StringWriter();
        Runner.run(config, new PrintWriter(out));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RunApp.run(new String[]{config.toString()}, new PrintWriter(out), new PrintStream(err, true, StandardCharsets.UTF_8),
                SweepTest::localSpark);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        var metrics = SweepFixture.metrics(dir);
        assertThat(metrics).hasSize(2);
        assertThat(new String(metrics.get(1), StandardCharsets.UTF_8)).isEqualTo(new String(metrics.get(0), StandardCharsets.UTF_8))
                .contains("hyperplane-97", "osq", "classification", "overlap_rescored");
    }

    /** A bad config is exit code 2 and one line naming the file and key; no Spark context is started for it. */
    @Test
    void aBadConfigIsOneLineBeforeAnyCluster() throws Exception {
        Path config = SweepFixture.config(dir);
        Files.writeString(config, Files.readString(config).replace("seed: 7", "seed: 7\nseeds: 8"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RunApp.run(new String[]{config.toString()}, new PrintWriter(new StringWriter()),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
                    throw new AssertionError("a Spark context was started for a bad config");
                });
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("binaryllm-spark: " + config).contains("seeds").hasLineCount(1);
        assertThat(dir.resolve("runs")).doesNotExist();

        err.reset();
        assertThat(RunApp.run(new String[0], new PrintWriter(new StringWriter()), new PrintStream(err, true, StandardCharsets.UTF_8),
                SweepTest::localSpark)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage").hasLineCount(1);
    }
}
