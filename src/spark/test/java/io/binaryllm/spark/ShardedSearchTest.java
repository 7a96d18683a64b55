package io.binaryllm.spark;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import io.binaryllm.testing.OsqOracle;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sharded search in Spark's local mode against one machine's search of the whole corpus. */
class ShardedSearchTest {
    private static JavaSparkContext spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        // Two executor threads, and a failed task tried up to three times, as on a cluster.
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2,3]").setAppName("binaryllm-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.log.level", "OFF")
                .set("spark.hadoop.fs." + OtherFileSystem.SCHEME + ".impl", OtherFileSystem.class.getName()));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The rows [from, to) of {@code rows} as a shard file. */
    private Path shard(int[][] rows, int from, int to, int bits, String name) {
        Path f = dir.resolve(name + ".npy");
        int[][] part = Arrays.copyOfRange(rows, from, to);
        try (BinaryCodeBatch codes = part.length == 0 ? BinaryCodeBatch.ofWords(new long[0], 0, bits) : Oracle.codes(part, bits)) {
            Npy.writeCodes(f, false, codes);
        }
        return f;
    }

    /**
     * Tie-heavy 97-bit codes cut at word-sized and odd boundaries, with an empty shard and shards smaller than k: for
     * every k from 1 to n, on the reference and the fastest backend, the indices and distances are one machine's.
     */
    @Test
    void anyShardLayoutGivesOneMachinesAnswer() {
        int bits = 97;
        int[][] rows = CodeGen.tieHeavy(3, 1000, bits);
        int[][] queries = CodeGen.random(4, 7, bits);
        int[] cuts = {0, 63, 64, 64, 65, 129, 1000};
        List<Path> files = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            files.add(shard(rows, cuts[i], cuts[i + 1], bits, "s" + i));
        }
        List<Shard> shards = ShardedSearch.shardsOf(files);
        assertThat(shards).extracting(Shard::rows).containsExactly(63L, 1L, 0L, 1L, 64L, 871L);
        assertThat(shards).extracting(Shard::firstRow).containsExactly(0L, 63L, 64L, 64L, 65L, 129L);
        try (BinaryCodeBatch all = Oracle.codes(rows, bits); BinaryCodeBatch q = Oracle.codes(queries, bits);
             SearchBackend reference = SearchBackends.open("reference")) {
            for (int k : new int[]{1, 2, 10, 64, 129, 999, 1000}) {
                SearchResult expected = reference.search(all, q, k);
                for (String backend : List.of("reference", "auto")) {
                    assertThat(ShardedSearch.search(spark, shards, q, k, backend)).as("%s k=%d", backend, k).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void badArgumentsAndUnreadableShardsAreRefusedNamingThem() throws Exception {
        int bits = 64;
        int[][] rows = CodeGen.random(5, 40, bits);
        Path a = shard(rows, 0, 20, bits, "a");
        Path b = shard(rows, 20, 40, bits, "b");
        List<Shard> shards = ShardedSearch.shardsOf(List.of(a, b));
        try (BinaryCodeBatch q = Oracle.codes(CodeGen.random(6, 2, bits), bits)) {
            assertThatThrownBy(() -> ShardedSearch.search(spark, shards, q, 41, "reference"))
                    .isInstanceOf(BadArgumentException.class).hasMessageContaining("between 1 and the corpus size 40, got 41");
            Files.write(b, new byte[]{1, 2, 3});
            assertThatThrownBy(() -> ShardedSearch.search(spark, shards, q, 3, "reference"))
                    .isInstanceOf(BadInputException.class).hasMessageStartingWith(b.toString());
            Files.delete(b);
            assertThatThrownBy(() -> ShardedSearch.search(spark, shards, q, 3, "reference"))
                    .isInstanceOf(BadInputException.class).hasMessageStartingWith(b.toString());
        }
        assertThatThrownBy(() -> ShardedSearch.shardsOf(List.of(a, dir.resolve("missing.npy"))))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith(dir.resolve("missing.npy").toString());
    }

    /**
     * Codes already in a job, as (corpus index, words) pairs shuffled across partitions (one of them empty): the answer
     * is one machine's for the codes laid out by index, ties to the smaller index.
     */
    @Test
    void codesInAJobGiveOneMachinesAnswerWhateverTheirOrder() {
        int bits = 97;
        int[][] rows = CodeGen.tieHeavy(8, 500, bits);
        int[][] queries = CodeGen.random(9, 5, bits);
        long[] packed = Oracle.packRows(rows, bits);
        int words = BinaryCodeBatch.wordsFor(bits);
        List<Tuple2<Long, long[]>> pairs = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            pairs.add(new Tuple2<>((long) i, Arrays.copyOfRange(packed, i * words, (i + 1) * words)));
        }
        Collections.shuffle(pairs, new Random(10));
        JavaPairRDD<Long, long[]> codes = JavaPairRDD.fromJavaRDD(
                spark.parallelize(pairs, 6).union(spark.<Tuple2<Long, long[]>>emptyRDD()));
        try (BinaryCodeBatch all = Oracle.codes(rows, bits); BinaryCodeBatch q = Oracle.codes(queries, bits);
             SearchBackend reference = SearchBackends.open("reference")) {
            for (int k : new int[]{1, 7, 100, 500}) {
                assertThat(ShardedSearch.search(codes, q, k, "auto")).as("k=%d", k).isEqualTo(reference.search(all, q, k));
            }
            // More partitions than the driver merges itself: a shuffle level in the merge tree, the same answer.
            var many = JavaPairRDD.fromJavaRDD(spark.parallelize(pairs, 70));
            assertThat(ShardedSearch.mergeDepth(many.getNumPartitions())).isEqualTo(2);
            assertThat(ShardedSearch.search(many, q, 7, "auto")).isEqualTo(reference.search(all, q, 7));
            assertThatThrownBy(() -> ShardedSearch.search(codes, q, 501, "auto")).isInstanceOf(BadArgumentException.class)
                    .hasMessageContaining("between 1 and the corpus size 500, got 501");
        }
    }

    /** A task that fails is retried by Spark (local[2,3]: up to three attempts) and the answer is the same. */
    @Test
    void aFailedTaskIsRetriedAndTheAnswerIsUnchanged() {
        int bits = 65;
        int[][] rows = CodeGen.tieHeavy(12, 300, bits);
        List<Path> files = List.of(shard(rows, 0, 100, bits, "r0"), shard(rows, 100, 300, bits, "r1"));
        try (BinaryCodeBatch all = Oracle.codes(rows, bits); BinaryCodeBatch q = Oracle.codes(CodeGen.random(13, 4, bits), bits);
             SearchBackend reference = SearchBackends.open("reference")) {
            FailsOnceBackend.arm();
            SearchResult r = ShardedSearch.search(spark, ShardedSearch.shardsOf(files), q, 20, "fails-once");
            assertThat(FailsOnceBackend.FAILED.get()).isEqualTo(1);
            assertThat(r).isEqualTo(reference.search(all, q, 20));
        }
    }

    /**
     * osq shards of one quantizer (pack's three files each), cut at odd rows: every k from 1 to n gives one machine's
     * scores and order (ties by corpus index on tie-heavy vectors); queries of another quantizer are refused.
     */
    @Test
    void osqShardsGiveOneMachinesScores() {
        int dims = 70;
        var docs = OsqOracle.vectors(31, 300, dims, "tie-heavy");
        var qs = OsqOracle.vectors(32, 5, dims, "clustered");
        OsqQuantizer quantizer = OsqQuantizer.fit(docs, 2);
        float[][] rows = new float[300][];
        for (int i = 0; i < 300; i++) {
            rows[i] = docs.row(i);
        }
        int[] cuts = {0, 1, 64, 65, 300};
        List<Path> files = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            Path f = dir.resolve("osq" + i + ".npy");
            try (FloatEmbeddingBatch part = FloatEmbeddingBatch.of(Arrays.copyOfRange(rows, cuts[i], cuts[i + 1]));
                 OsqCodes codes = quantizer.encodeDocuments(part)) {
                OsqFiles.write(f, false, codes, quantizer);
            }
            files.add(f);
        }
        List<Shard> shards = ShardedSearch.shardsOf(files);
        try (OsqCodes all = quantizer.encodeDocuments(docs); OsqCodes q = quantizer.encodeQueries(qs, 4);
             SearchBackend reference = SearchBackends.open("reference")) {
            for (int k : new int[]{1, 3, 64, 299, 300}) {
                assertThat(ShardedSearch.search(spark, shards, q, k, "auto").firstDifference(reference.search(all, q, k)))
                        .as("k=%d", k).isNull();
            }
            OsqQuantizer other = OsqQuantizer.fit(qs, 2);
            try (OsqCodes foreign = other.encodeQueries(qs, 4)) {
                assertThatThrownBy(() -> ShardedSearch.search(spark, shards, foreign, 3, "auto")).isInstanceOf(BadInputException.class);
            }
        }
    }

    /**
     * Shards on a file system that is not the local one (as HDFS or S3A would be): named by URI, a directory listed
     * through it, Hamming shards streamed into memory and osq shards copied to the executor: one machine's answers;
     * a truncated or missing file there is refused naming its URI.
     */
    @Test
    void shardsOnAnotherFileSystemGiveOneMachinesAnswer() throws Exception {
        int bits = 129;
        int[][] rows = CodeGen.tieHeavy(40, 400, bits);
        Path sub = Files.createDirectories(dir.resolve("remote"));
        int[] cuts = {0, 64, 65, 400};
        for (int i = 0; i + 1 < cuts.length; i++) {
            Path f = shard(rows, cuts[i], cuts[i + 1], bits, "part-" + i);
            Files.move(f, sub.resolve(f.getFileName()));
        }
        Configuration hadoop = spark.hadoopConfiguration();
        List<Shard> shards = ShardedSearch.shardsOf(hadoop, List.of(OtherFileSystem.uri(sub)));
        assertThat(shards).extracting(Shard::path).allMatch(p -> p.startsWith(OtherFileSystem.SCHEME + ":"));
        assertThat(shards).extracting(Shard::rows).containsExactly(64L, 1L, 335L);
        try (BinaryCodeBatch all = Oracle.codes(rows, bits); BinaryCodeBatch q = Oracle.codes(CodeGen.random(41, 6, bits), bits);
             SearchBackend reference = SearchBackends.open("reference")) {
            for (int k : new int[]{1, 65, 400}) {
                assertThat(ShardedSearch.search(spark, shards, q, k, "auto")).as("k=%d", k).isEqualTo(reference.search(all, q, k));
            }
            Path last = sub.resolve("part-2.npy");
            byte[] bytes = Files.readAllBytes(last);
            Files.write(last, Arrays.copyOf(bytes, bytes.length - 8));
            assertThatThrownBy(() -> ShardedSearch.search(spark, shards, q, 3, "auto")).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(OtherFileSystem.uri(last)).hasMessageContaining("truncated");
            Files.delete(last);
            assertThatThrownBy(() -> ShardedSearch.search(spark, shards, q, 3, "auto")).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(OtherFileSystem.uri(last)).hasMessageContaining("no such file");
        }
        assertThatThrownBy(() -> ShardedSearch.shardsOf(hadoop, List.of(OtherFileSystem.uri(dir.resolve("nothing")))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no such file or directory");

        int dims = 33;
        var docs = OsqOracle.vectors(42, 120, dims, "tie-heavy");
        var qs = OsqOracle.vectors(43, 3, dims, "clustered");
        OsqQuantizer quantizer = OsqQuantizer.fit(docs, 1);
        Path osqDir = Files.createDirectories(dir.resolve("remote-osq"));
        float[][] vectors = new float[120][];
        for (int i = 0; i < 120; i++) {
            vectors[i] = docs.row(i);
        }
        for (int[] cut : new int[][]{{0, 70}, {70, 120}}) {
            try (var part = FloatEmbeddingBatch.of(Arrays.copyOfRange(vectors, cut[0], cut[1]));
                 var codes = quantizer.encodeDocuments(part)) {
                OsqFiles.write(osqDir.resolve("c" + cut[0] + ".npy"), false, codes, quantizer);
            }
        }
        List<Shard> osqShards = ShardedSearch.shardsOf(hadoop, List.of(OtherFileSystem.uri(osqDir)));
        assertThat(osqShards).extracting(Shard::rows).containsExactly(70L, 50L); // the side files are not shards
        try (var all = quantizer.encodeDocuments(docs); var q = quantizer.encodeQueries(qs, 4);
             SearchBackend reference = SearchBackends.open("reference")) {
            assertThat(ShardedSearch.search(spark, osqShards, q, 9, "auto").firstDifference(reference.search(all, q, 9))).isNull();
            Files.delete(osqDir.resolve("c70.corrections.npy"));
            assertThatThrownBy(() -> ShardedSearch.search(spark, osqShards, q, 9, "auto")).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(OtherFileSystem.uri(osqDir.resolve("c70.corrections.npy"))).hasMessageContaining("missing");
        }
    }
}
