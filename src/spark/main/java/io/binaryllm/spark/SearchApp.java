package io.binaryllm.spark;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.AtomicOutput;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.search.SearchResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@code spark-submit} runs: {@code bin/binaryllm search}'s options and outputs over a sharded corpus.
 * <pre>
 * spark-submit --master MASTER --class io.binaryllm.spark.SearchApp binaryllm-spark-app.jar \
 *     --database DIR_OR_FILE [--database ...] --queries Q.npy --k K [--bits B] [--backend NAME] \
 *     --indices I.npy [--distances D.npy] [--force]
 * </pre>
 * A directory means its {@code *.npy} files in name order; shards may lie on any file system the installation
 * reads (a path without a scheme is on its default file system: HDFS on most clusters). Outputs are written as {@code search} writes them
 * ({@code <i8} indices, {@code <i4} distances, queries x k), together or not at all; bad input is exit code 2 and one
 * line naming the option or file.
 */
public final class SearchApp {
    private SearchApp() {
    }

    public static void main(String[] args) {
        int code = run(args, System.err, () -> new JavaSparkContext(new SparkConf().setAppName("binaryllm search")));
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a search and returns the exit code: 0, or 2 for bad input (after one line on {@code err}). */
    static int run(String[] args, PrintStream err, java.util.function.Supplier<JavaSparkContext> spark) {
        try {
            Options o = Options.parse(args);
            AtomicOutput.requireWritable(o.indices(), o.force());
            if (o.distances() != null) {
                AtomicOutput.requireWritable(o.distances(), o.force());
            }
            List<Shard> shards = ShardedSearch.shardsOf(hadoopConfiguration(new SparkConf()), o.databases());
            long total = shards.stream().mapToLong(Shard::rows).sum();
            if (o.k() < 1 || o.k() > total) { // before a cluster is asked for anything
                throw new BadArgumentException("k", "k must be between 1 and the corpus size " + total + ", got " + o.k());
            }
            try (BinaryCodeBatch raw = Npy.readCodes(o.queries())) {
                BinaryCodeBatch queries = o.bits() == null ? raw : raw.withBits(o.bits());
                JavaSparkContext sc = spark.get();
                SearchResult r;
                try {
                    r = ShardedSearch.search(sc, shards, queries, o.k(), o.backend());
                } finally {
                    sc.stop();
                }
                write(r, o);
            }
            return 0;
        } catch (BadArgumentException e) {
            err.println("binaryllm-spark: --" + e.argument() + ": " + e.getMessage());
            return 2;
        } catch (BadInputException e) {
            err.println("binaryllm-spark: " + e.getMessage());
            return 2;
        }
    }

    private static void write(SearchResult r, Options o) {
        try (AtomicOutput iOut = AtomicOutput.open(o.indices(), o.force());
             AtomicOutput dOut = o.distances() == null ? null : AtomicOutput.open(o.distances(), o.force())) {
            Npy.writeTo(iOut, NpyDtype.I8, Npy.le(r.indices()), r.queries(), r.k());
            if (dOut == null) {
                iOut.commit();
            } else {
                Npy.writeTo(dOut, NpyDtype.I4, Npy.le(r.distances()), r.queries(), r.k());
                AtomicOutput.commitTogether(AtomicOutput.of(iOut, dOut));
            }
        }
    }

    /**
     * The Hadoop configuration the context will have, before there is one (so that bad shards are found before a
     * cluster is asked for anything): the installation's files plus the {@code spark.hadoop.*} settings.
     */
    static Configuration hadoopConfiguration(SparkConf spark) {
        Configuration conf = new Configuration();
        for (scala.Tuple2<String, String> e : spark.getAllWithPrefix("spark.hadoop.")) {
            conf.set(e._1(), e._2());
        }
        return conf;
    }

    /** The options, as {@code search} names them. */
    record Options(List<String> databases, Path queries, int k, Integer bits, String backend, Path indices, Path distances,
                   boolean force) {
        static Options parse(String[] args) {
            List<String> databases = new ArrayList<>();
            Path queries = null;
            Integer k = null;
            Integer bits = null;
            String backend = "auto";
            Path indices = null;
            Path distances = null;
            boolean force = false;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--force")) {
                    force = true;
                    continue;
                }
                if (i + 1 == args.length) {
                    throw new BadArgumentException(name.replaceFirst("^--", ""), "a value is missing");
                }
                String v = args[++i];
                switch (name) {
                    case "--database" -> databases.add(v);
                    case "--queries" -> queries = Path.of(v);
                    case "--k" -> k = integer("k", v);
                    case "--bits" -> bits = integer("bits", v);
                    case "--backend" -> backend = v;
                    case "--indices" -> indices = Path.of(v);
                    case "--distances" -> distances = Path.of(v);
                    default -> throw new BadArgumentException(name.replaceFirst("^--", ""), "unknown option " + name
                            + " (options: --database, --queries, --k, --bits, --backend, --indices, --distances, --force)");
                }
            }
            if (databases.isEmpty()) {
                throw new BadArgumentException("database", "required");
            }
            if (queries == null) {
                throw new BadArgumentException("queries", "required");
            }
            if (k == null) {
                throw new BadArgumentException("k", "required");
            }
            if (indices == null) {
                throw new BadArgumentException("indices", "required");
            }
            return new Options(databases, queries, k, bits, backend, indices, distances, force);
        }

        private static int integer(String option, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new BadArgumentException(option, "expected an integer, got '" + v + "'");
            }
        }
    }
}
