package io.binaryllm.spark;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import io.binaryllm.testing.OsqOracle;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The spark-submit program: search's options and outputs, one machine's answer, exit 2 for bad input. */
class SearchAppTest {
    @TempDir
    Path dir;

    private static final Supplier<JavaSparkContext> LOCAL = () -> new JavaSparkContext(new SparkConf().setMaster("local[2]")
            .setAppName("search-app-test").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
            .set("spark.log.level", "OFF"));
    private static final Supplier<JavaSparkContext> NEVER = () -> {
        throw new AssertionError("bad input must be refused before a cluster is asked for anything");
    };

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private void write(int[][] rows, int from, int to, int bits, Path f) {
        try (BinaryCodeBatch c = Oracle.codes(Arrays.copyOfRange(rows, from, to), bits)) {
            Npy.writeCodes(f, false, c);
        }
    }

    @Test
    void aDirectoryOfShardsAndAFileGiveOneMachinesOutputs() throws Exception {
        int bits = 97;
        int[][] rows = CodeGen.tieHeavy(21, 400, bits);
        int[][] queries = CodeGen.random(22, 6, bits);
        Path shards = Files.createDirectories(dir.resolve("shards"));
        write(rows, 0, 65, bits, shards.resolve("a.npy"));
        write(rows, 65, 200, bits, shards.resolve("b.npy"));
        write(rows, 200, 400, bits, dir.resolve("c.npy"));
        Path q = dir.resolve("q.npy");
        write(queries, 0, queries.length, bits, q);
        String[] args = {"--database", shards.toString(), "--database", dir.resolve("c.npy").toString(), "--queries", q.toString(),
                "--k", "25", "--bits", "97", "--indices", dir.resolve("i.npy").toString(), "--distances", dir.resolve("d.npy").toString()};
        assertThat(SearchApp.run(args, err, LOCAL)).as(err()).isZero();
        try (BinaryCodeBatch all = Oracle.codes(rows, bits); BinaryCodeBatch qs = Oracle.codes(queries, bits);
             SearchBackend reference = SearchBackends.open("reference")) {
            SearchResult expected = reference.search(all, qs, 25);
            assertThat(Npy.readHeap(dir.resolve("i.npy")).longs()).isEqualTo(expected.indices());
            assertThat(Npy.readHeap(dir.resolve("d.npy")).shape()).containsExactly(6, 25);
        }
        // Again without --force: refused, the outputs untouched, before any cluster work.
        byte[] before = Files.readAllBytes(dir.resolve("i.npy"));
        assertThat(SearchApp.run(args, err, NEVER)).isEqualTo(2);
        assertThat(err()).contains("i.npy").contains("exists");
        assertThat(Files.readAllBytes(dir.resolve("i.npy"))).isEqualTo(before);
    }

    @Test
    void badOptionsAndInputsAreOneLineAndExitTwo() throws Exception {
        int bits = 64;
        int[][] rows = CodeGen.random(23, 30, bits);
        Path db = dir.resolve("db.npy");
        write(rows, 0, 30, bits, db);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String out = dir.resolve("o.npy").toString();
        String[][] cases = {
                {"--database", db.toString(), "--queries", db.toString(), "--k", "31", "--indices", out},
                {"--database", db.toString(), "--queries", db.toString(), "--k", "ten", "--indices", out},
                {"--database", db.toString(), "--queries", db.toString(), "--k", "3"},
                {"--database", empty.toString(), "--queries", db.toString(), "--k", "3", "--indices", out},
                {"--database", db.toString(), "--queries", db.toString(), "--k", "3", "--indices", out, "--top", "2"},
        };
        String[] expected = {"--k: k must be between 1 and the corpus size 30, got 31", "--k: expected an integer, got 'ten'",
                "--indices: required", empty + ": a directory without .npy shards", "--top: unknown option --top"};
        for (int i = 0; i < cases.length; i++) {
            errBytes.reset();
            assertThat(SearchApp.run(cases[i], err, NEVER)).as(expected[i]).isEqualTo(2);
            assertThat(err()).startsWith("binaryllm-spark: " + expected[i]).hasLineCount(1);
        }
        assertThat(dir.resolve("o.npy")).doesNotExist();
    }

    /** osq shards and float queries: the queries quantized by the shards' quantizer, one machine's indices and scores. */
    @Test
    void osqShardsAndFloatQueriesGiveOneMachinesScores() throws Exception {
        int dims = 40;
        var docs = OsqOracle.vectors(61, 200, dims, "tie-heavy");
        var qs = OsqOracle.vectors(62, 4, dims, "clustered");
        var quantizer = OsqQuantizer.fit(docs, 2);
        float[][] rows = new float[200][];
        for (int i = 0; i < 200; i++) {
            rows[i] = docs.row(i);
        }
        Path shards = Files.createDirectories(dir.resolve("osq"));
        for (int[] cut : new int[][]{{0, 63}, {63, 200}}) {
            try (var part = FloatEmbeddingBatch.of(Arrays.copyOfRange(rows, cut[0], cut[1]));
                 var codes = quantizer.encodeDocuments(part)) {
                OsqFiles.write(shards.resolve("p" + cut[0] + ".npy"), false, codes, quantizer);
            }
        }
        Path q = dir.resolve("q.npy");
        Npy.writeFloats(q, false, qs);
        String[] args = {"--database", shards.toString(), "--queries", q.toString(), "--query-bits", "4", "--k", "12",
                "--indices", dir.resolve("i.npy").toString(), "--scores", dir.resolve("s.npy").toString()};
        assertThat(SearchApp.run(args, err, LOCAL)).as(err()).isZero();
        try (var all = quantizer.encodeDocuments(docs); var qc = quantizer.encodeQueries(qs, 4);
             SearchBackend reference = SearchBackends.open("reference")) {
            var expected = reference.search(all, qc, 12);
            assertThat(Npy.readHeap(dir.resolve("i.npy")).longs()).isEqualTo(expected.indices());
            assertThat(Npy.readFloats(dir.resolve("s.npy")).toArray()).isEqualTo(expected.scores());
        }
        String[][] bad = {
                {"--database", shards.toString(), "--queries", q.toString(), "--query-bits", "5", "--k", "3", "--indices", "x.npy"},
                {"--database", shards.toString(), "--queries", q.toString(), "--k", "3", "--indices", "x.npy", "--scores", "y.npy"},
                {"--database", shards.toString(), "--queries", q.toString(), "--query-bits", "4", "--k", "3", "--indices", "x.npy", "--distances", "y.npy"},
        };
        String[] expected = {"--query-bits: osq queries take 4 or 8", "--scores: scores come from an osq search", "--distances: an osq search writes scores"};
        for (int i = 0; i < bad.length; i++) {
            errBytes.reset();
            assertThat(SearchApp.run(bad[i], err, NEVER)).isEqualTo(2);
            assertThat(err()).startsWith("binaryllm-spark: " + expected[i]).hasLineCount(1);
        }
    }

    /**
     * An osq shard without its side files is refused on the driver before a cluster is asked for anything (an
     * executor's task found it, with two task stack traces); one whose corrections belong to another pack is found
     * by the task, and told as the task's cause in one line, not as Spark's "Job aborted".
     */
    @Test
    void osqShardProblemsAreOneLineWhereverTheyAreFound() throws Exception {
        int dims = 24;
        var quantizer = OsqQuantizer.fit(OsqOracle.vectors(71, 50, dims, "random"), 1);
        Path shards = Files.createDirectories(dir.resolve("osq"));
        for (int s = 0; s < 2; s++) {
            try (var part = OsqOracle.vectors(72 + s, 30, dims, "random"); var codes = quantizer.encodeDocuments(part)) {
                OsqFiles.write(shards.resolve("p" + s + ".npy"), false, codes, quantizer);
            }
        }
        Path q = dir.resolve("q.npy");
        Npy.writeFloats(q, false, OsqOracle.vectors(74, 2, dims, "random"));
        String[] args = {"--database", shards.toString(), "--queries", q.toString(), "--query-bits", "4", "--k", "5",
                "--indices", dir.resolve("i.npy").toString(), "--scores", dir.resolve("s.npy").toString()};
        Path corrections = OsqFiles.correctionsPath(shards.resolve("p1.npy"));
        byte[] kept = Files.readAllBytes(corrections);
        Files.delete(corrections);
        assertThat(SearchApp.run(args, err, NEVER)).as(err()).isEqualTo(2);
        assertThat(err()).startsWith("binaryllm-spark: " + corrections.toUri().toString().replace("file:///", "file:/") + ": missing: osq codes")
                .hasLineCount(1);
        byte[] other = kept.clone();
        other[other.length - 1] ^= 1; // the same shape, other bytes: another pack's corrections
        Files.write(corrections, other);
        errBytes.reset();
        assertThat(SearchApp.run(args, err, LOCAL)).as(err()).isEqualTo(2);
        assertThat(err()).startsWith("binaryllm-spark: " + corrections + ": not written with ").hasLineCount(1);
        assertThat(dir.resolve("i.npy")).doesNotExist();
    }

    /** Spark's own failures are one line naming the master (exit 2); anything else is a bug (exit 1), in one line too. */
    @Test
    void failuresOfSparksOwnAreOneLineAndBugsAreBugs() {
        var wrapped = new org.apache.spark.SparkException("Job aborted due to stage failure: Task 0 failed\n\tat x.y(Z.java:1)",
                new java.io.IOException("Connection refused: h/10.0.0.1:7077"));
        assertThat(SparkFailures.report(wrapped, false, err)).isEqualTo(2);
        assertThat(err()).startsWith("binaryllm-spark: --spark ").endsWith(": Connection refused: h/10.0.0.1:7077" + System.lineSeparator())
                .hasLineCount(1);
        errBytes.reset();
        assertThat(SparkFailures.report(new IllegalStateException("a bug"), false, err)).isEqualTo(1);
        assertThat(err()).startsWith("binaryllm-spark: internal error: java.lang.IllegalStateException: a bug").hasLineCount(1);
    }
}
