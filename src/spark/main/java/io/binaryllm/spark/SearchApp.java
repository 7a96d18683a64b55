package io.binaryllm.spark;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.EmbeddingFiles;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The program {@code spark-submit} runs: {@code bin/binaryllm search}'s options and outputs over a sharded corpus.
 * <pre>
 * spark-submit --master MASTER --class io.binaryllm.spark.SearchApp binaryllm-spark-app.jar \
 *     --database DIR_OR_FILE [--database ...] --queries Q.npy --k K [--bits B] [--backend NAME] \
 *     --indices I.npy [--distances D.npy] [--force]
 * spark-submit ... --database OSQ_DIR --queries FLOATS.npy --query-bits 4 --k K --indices I.npy [--scores S.npy]
 * </pre>
 * A directory means its {@code *.npy} files in name order; shards may lie on any file system the installation
 * reads (a path without a scheme is on its default file system: HDFS on most clusters). Outputs are written as {@code search} writes them
 * ({@code <i8} indices, {@code <i4} distances or {@code <f4} osq scores, queries x k), together or not at all; bad input is exit code 2 and one
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

    /**
     * Runs a search and returns the exit code: 0, or 2 for bad input or a failure of Spark's (after one line on
     * {@code err} naming the option, the file or the master), or 1 for a bug.
     */
    static int run(String[] args, PrintStream err, Supplier<JavaSparkContext> spark) {
        boolean debug = List.of(args).contains("--debug");
        try {
            Options o = Options.parse(args);
            Path second = o.queryBits() == null ? o.distances() : o.scores();
            AtomicOutput.requireWritable(o.indices(), o.force());
            if (second != null) {
                AtomicOutput.requireWritable(second, o.force());
                if (o.indices().toAbsolutePath().normalize().equals(second.toAbsolutePath().normalize())) {
                    throw new BadArgumentException(o.queryBits() == null ? "distances" : "scores", "names the same file as --indices: " + second);
                }
            }
            Configuration hadoop = hadoopConfiguration(new SparkConf());
            List<Shard> shards = ShardedSearch.shardsOf(hadoop, o.databases());
            long total = shards.stream().mapToLong(Shard::rows).sum();
            if (o.k() < 1 || o.k() > total) { // before a cluster is asked for anything
                throw new BadArgumentException("k", "k must be between 1 and the corpus size " + total + ", got " + o.k());
            }
            if (o.queryBits() != null) {
                ShardFiles.requireOsqSiblings(hadoop, shards);
                searchOsq(o, shards, ShardFiles.osqQuantizer(hadoop, shards.getFirst().path()), spark);
                return 0;
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
                write(o, NpyDtype.I4, r.queries(), r.k(), r.indices(), Npy.le(r.distances()));
            }
            return 0;
        } catch (RuntimeException | Error e) {
            return SparkFailures.report(e, debug, err);
        }
    }

    /** Float queries quantized by the shards' quantizer, scored on the executors; indices and scores out. */
    private static void searchOsq(Options o, List<Shard> shards, OsqQuantizer quantizer, Supplier<JavaSparkContext> spark) {
        try (FloatEmbeddingBatch x = EmbeddingFiles.read(o.queries()); OsqCodes q = quantizer.encodeQueries(x, o.queryBits())) {
            JavaSparkContext sc = spark.get();
            SearchResult r;
            try {
                r = ShardedSearch.search(sc, shards, q, o.k(), o.backend());
            } finally {
                sc.stop();
            }
            write(o, NpyDtype.F4, r.queries(), r.k(), r.indices(), Npy.le(r.scores()));
        }
    }

    /** Indices, and distances or scores when asked for, together or not at all. */
    private static void write(Options o, NpyDtype secondType, int queries, int k, long[] indices, MemorySegment second) {
        Path secondFile = o.queryBits() == null ? o.distances() : o.scores();
        try (AtomicOutput iOut = AtomicOutput.open(o.indices(), o.force());
             AtomicOutput sOut = secondFile == null ? null : AtomicOutput.open(secondFile, o.force())) {
            Npy.writeTo(iOut::write, NpyDtype.I8, Npy.le(indices), queries, k);
            if (sOut == null) {
                iOut.commit();
            } else {
                Npy.writeTo(sOut::write, secondType, second, queries, k);
                AtomicOutput.commitTogether(AtomicOutput.of(iOut, sOut));
            }
        }
    }

    /**
     * The Hadoop configuration the context will have, before there is one (so that bad shards are found before a
     * cluster is asked for anything): the installation's files plus the {@code spark.hadoop.*} settings.
     */
    static Configuration hadoopConfiguration(SparkConf spark) {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> e : spark.getAllWithPrefix("spark.hadoop.")) {
            conf.set(e._1(), e._2());
        }
        return conf;
    }

    /** The options, as {@code search} names them. */
    record Options(List<String> databases, Path queries, Integer queryBits, int k, Integer bits, String backend, Path indices,
                   Path distances, Path scores, boolean force) {
        static Options parse(String[] args) {
            List<String> databases = new ArrayList<>();
            Path queries = null;
            Integer k = null;
            Integer bits = null;
            String backend = "auto";
            Path indices = null;
            Path distances = null;
            Path scores = null;
            Integer queryBits = null;
            boolean force = false;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--force")) {
                    force = true;
                    continue;
                }
                if (name.equals("--debug")) {
                    continue; // run() reads it: it decides how failures are told
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
                    case "--query-bits" -> queryBits = integer("query-bits", v);
                    case "--scores" -> scores = Path.of(v);
                    default -> throw new BadArgumentException(name.replaceFirst("^--", ""), "unknown option " + name
                            + " (options: --database, --queries, --query-bits, --k, --bits, --backend, --indices, --distances, --scores, --force, --debug)");
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
            if (queryBits != null) {
                if (!OsqCodes.queryBits(queryBits)) {
                    throw new BadArgumentException("query-bits", "osq queries take 4 or 8 bits a dimension, got " + queryBits);
                }
                if (distances != null) {
                    throw new BadArgumentException("distances", "an osq search writes scores, not Hamming distances: use --scores S.npy");
                }
                if (bits != null) {
                    throw new BadArgumentException("bits", "osq codes carry their width in their centroid and planes; --bits is for Hamming codes");
                }
            } else if (scores != null) {
                throw new BadArgumentException("scores", "scores come from an osq search: add --query-bits 4 or 8 (Hamming search writes --distances)");
            }
            return new Options(databases, queries, queryBits, k, bits, backend, indices, distances, scores, force);
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
