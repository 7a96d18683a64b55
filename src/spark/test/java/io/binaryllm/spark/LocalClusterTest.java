package io.binaryllm.spark;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.runner.Runner;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sharded search on a real cluster of separate executor JVMs (Spark's {@code local-cluster}: a master and two workers
 * in this JVM, one executor process each), including one executor killed in the middle of the job. The build sets
 * {@code SPARK_HOME} (a directory the workers need, with an empty {@code jars/}: the executors' class path is this
 * JVM's).
 */
class LocalClusterTest {
    private static JavaSparkContext spark;
    private static Path marker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        String home = System.getenv("SPARK_HOME");
        if (home == null && System.getenv("CI") != null) {
            throw new AssertionError("SPARK_HOME is not set in CI: the build's surefire configuration sets it");
        }
        assumeTrue(home != null, "SPARK_HOME is not set: run through Maven, which sets it");
        Files.createDirectories(Path.of(home, "jars"));
        marker = dir.resolve("halted");
        spark = new JavaSparkContext(new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("binaryllm-cluster-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.log.level", "OFF")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", "-D" + HaltsOnceBackend.MARKER + "=" + marker));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static List<Shard> shards(int[][] rows, int bits, int[] cuts, String name) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            Path f = dir.resolve(name + i + ".npy");
            try (BinaryCodeBatch codes = Oracle.codes(Arrays.copyOfRange(rows, cuts[i], cuts[i + 1]), bits)) {
                Npy.writeCodes(f, false, codes);
            }
            files.add(f);
        }
        return ShardedSearch.shardsOf(files);
    }

    /**
     * Two executor processes search the shards (both take tasks), one of them killed at its first search: Spark
     * reruns its tasks elsewhere and the answer is still one machine's.
     */
    @Test
    void aLostExecutorChangesNothing() throws Exception {
        int bits = 191;
        int[][] rows = CodeGen.tieHeavy(50, 2000, bits);
        List<Shard> shards = shards(rows, bits, new int[]{0, 64, 500, 501, 1300, 2000}, "c");
        try (BinaryCodeBatch all = Oracle.codes(rows, bits); BinaryCodeBatch q = Oracle.codes(CodeGen.random(51, 9, bits), bits);
             SearchBackend reference = SearchBackends.open("reference")) {
            SearchResult expected = reference.search(all, q, 50);
            assertThat(ShardedSearch.search(spark, shards, q, 50, "auto")).isEqualTo(expected);
            assertThat(spark.statusTracker().getExecutorInfos()).hasSizeGreaterThanOrEqualTo(3); // the driver and two executors

            assertThat(ShardedSearch.search(spark, shards, q, 50, "halts-once")).isEqualTo(expected);
            assertThat(marker).as("an executor halted").exists();
            long halted = Long.parseLong(Files.readString(marker));
            assertThat(ProcessHandle.of(halted).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(halted).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(ShardedSearch.search(spark, shards, q, 1, "auto")).isEqualTo(reference.search(all, q, 1));
        }
    }

    /** A run's variants measured in the executor processes: the metrics.json bytes of the run on one machine. */
    @Test
    void aSweepOnExecutorProcessesWritesOneMachinesMetricsJson() throws Exception {
        Path sweepDir = Files.createDirectories(dir.resolve("sweep"));
        Path config = SweepFixture.config(sweepDir);
        StringWriter out = new StringWriter();
        Runner.run(config, new PrintWriter(out));
        Runner.run(config, new PrintWriter(out), SparkSweep.on(spark));
        var metrics = SweepFixture.metrics(sweepDir);
        assertThat(metrics).hasSize(2);
        assertThat(new String(metrics.get(1), StandardCharsets.UTF_8))
                .isEqualTo(new String(metrics.get(0), StandardCharsets.UTF_8));
    }
}
