import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.data.io.Npy;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;
import io.binaryllm.spark.Shard;
import io.binaryllm.spark.ShardedSearch;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ShardedSearch in Spark's local mode against the engine on one machine, same codes, same cores: random 256-bit codes
 * written as SHARDS .npy files, Q queries, k = 10. One machine: each shard read and searched with an index in turn,
 * merged (what a single process does with a corpus in files). Spark: MASTER (local[CORES], or local-cluster[E,C,MB]:
 * E executor processes of C cores and MB megabytes, which needs SPARK_HOME and SPARK_SCALA_VERSION as the script
 * sets them), one task a shard. Both checked equal. Usage (benchmarks/spark-overhead.sh):
 * SparkOverhead ROWS QUERIES SHARDS MASTER DIR
 */
public class SparkOverhead {
    public static void main(String[] a) throws Exception {
        long rows = Long.parseLong(a[0]);
        int nq = Integer.parseInt(a[1]);
        int shardCount = Integer.parseInt(a[2]);
        String master = a[3];
        Path dir = Files.createDirectories(Path.of(a[4]));
        int bits = 256;
        List<Path> files = new ArrayList<>();
        Seeds seeds = new Seeds(7);
        for (int s = 0; s < shardCount; s++) {
            long n = rows / shardCount + (s < rows % shardCount ? 1 : 0);
            Path f = dir.resolve("shard-" + s + ".npy");
            if (!Files.exists(f)) {
                try (BinaryCodeBatch c = RandomCodes.generate(seeds.stream("shard-" + s), n, bits, "shard")) {
                    Npy.writeCodes(f, false, c);
                }
            }
            files.add(f);
        }
        try (BinaryCodeBatch q = RandomCodes.generate(seeds.stream("queries"), nq, bits, "queries")) {
            // One machine: shard by shard (an index each), lists merged by (distance, index); a first pass warms the JIT
            // as Spark's first job does.
            SearchResult single = null;
            double singleSeconds = 0;
            try (BinaryEngine engine = BinaryEngine.builder().backend("auto").build()) {
                for (int pass = 0; pass < 2; pass++) {
                    long t0 = System.nanoTime();
                    single = null;
                    long first = 0;
                    for (Path f : files) {
                        try (BinaryCodeBatch raw = Npy.readCodes(f)) {
                            BinaryCodeBatch db = raw.withBits(bits);
                            SearchResult r;
                            try (BinaryIndex index = engine.index(db)) {
                                r = index.search(q, 10);
                            }
                            single = single == null ? shifted(r, first) : merge(single, shifted(r, first));
                            first += db.rows();
                        }
                    }
                    singleSeconds = (System.nanoTime() - t0) / 1e9;
                }
            }
            long s0 = System.nanoTime();
            SparkConf conf = new SparkConf().setMaster(master).setAppName("overhead")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
            if (master.startsWith("local-cluster[")) { // executors as large as their workers
                conf.set("spark.executor.memory", master.replaceAll(".*,\\s*(\\d+)\\]$", "$1") + "m");
            }
            if (System.getenv("TASK_THREADS") != null) { // threads a search on the executors (default: every core)
                conf.set("spark.executor.extraJavaOptions", "-Dbinaryllm.threads=" + System.getenv("TASK_THREADS"));
            }
            JavaSparkContext spark = new JavaSparkContext(conf);
            double startSeconds = (System.nanoTime() - s0) / 1e9;
            List<Shard> shards = ShardedSearch.shardsOf(files);
            long f0 = System.nanoTime();
            ShardedSearch.search(spark, shards, q, 10, "auto"); // a first job: executors and JIT warm
            double firstSeconds = (System.nanoTime() - f0) / 1e9;
            long t1 = System.nanoTime();
            SearchResult sharded = ShardedSearch.search(spark, shards, q, 10, "auto");
            double sparkSeconds = (System.nanoTime() - t1) / 1e9;
            spark.stop();
            if (!sharded.equals(single)) {
                throw new AssertionError("Spark's answer differs from one machine's");
            }
            System.out.printf(Locale.ROOT, "| %,d | %,d | %.1e | %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f | identical |%n", rows, nq, (double) rows * nq,
                    shardCount, master, singleSeconds, sparkSeconds, sparkSeconds / singleSeconds, startSeconds, firstSeconds);
        }
    }

    private static SearchResult shifted(SearchResult r, long by) {
        long[] idx = r.indices().clone();
        for (int i = 0; i < idx.length; i++) {
            idx[i] += by;
        }
        return new SearchResult(r.queries(), r.k(), idx, r.distances());
    }

    private static SearchResult merge(SearchResult a, SearchResult b) {
        int k = a.k();
        long[] idx = new long[a.queries() * k];
        int[] dist = new int[a.queries() * k];
        for (int q = 0; q < a.queries(); q++) {
            int i = 0, j = 0;
            for (int n = 0; n < k; n++) {
                int base = q * k;
                boolean takeA = j == k || i < k && (a.distances()[base + i] < b.distances()[base + j]
                        || a.distances()[base + i] == b.distances()[base + j] && a.indices()[base + i] < b.indices()[base + j]);
                idx[base + n] = takeA ? a.indices()[base + i] : b.indices()[base + j];
                dist[base + n] = takeA ? a.distances()[base + i++] : b.distances()[base + j++];
            }
        }
        return new SearchResult(a.queries(), k, idx, dist);
    }
}
