package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.EmbeddingFiles;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.data.io.NpyHeader;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "search", mixinStandardHelpOptions = true,
        // picocli would break [--database=CODES.npy]... inside its name at 80 columns
        customSynopsis = {"binaryllm search --database=CODES.npy [--database=CODES.npy]...",
                "        --queries=QCODES.npy --k=K --indices=I.npy [--distances=D.npy]",
                "        [--query-bits=B] [--scores=S.npy] [--bits=D] [--backend=NAME]",
                "        [--spark=MASTER] [--force] [--debug] [-hV]"},
        description = {"Exact Hamming top-k of every query against the database, ordered by (distance, index).",
                "Writes indices (<i8, (nq, k)) and distances (<i4, (nq, k)).",
                "With --query-bits: osq codes (pack --binarizer osq) against float queries (.npy, .fvecs), quantized",
                "to 4 or 8 bits a dimension; ordered by (score desc, index), scores (<f4, (nq, k)) to --scores."})
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--database", required = true, paramLabel = "CODES.npy", converter = PathText.class,
            description = {"Database codes (<u8 words). With --spark: a file or a directory of .npy shards on any file system",
                    "the Spark installation reads (hdfs://, s3a://...), repeatable."})
    List<String> databases;

    /** A path kept as text (with --spark it may be a URI), refused as picocli refuses a bad Path when no file system can hold it. */
    static final class PathText implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Path.of(value);
                return value;
            } catch (InvalidPathException e) {
                throw new CommandLine.TypeConversionException("not a valid path (" + e.getReason() + ")");
            }
        }
    }

    @Option(names = "--spark", paramLabel = "MASTER",
            description = {"Search on Spark instead (local[4], local-cluster[2,1,1024], spark://..., yarn): hands the search",
                    "to the installation's spark-submit ($SPARK_HOME/bin or PATH; a local master runs without one, on the",
                    "Maven repository's Spark); the same outputs, byte for byte."})
    String spark;

    @Option(names = "--queries", required = true, paramLabel = "QCODES.npy",
            description = "Query codes (<u8 words); with --query-bits, float query embeddings.")
    Path queries;

    @Option(names = "--query-bits", paramLabel = "B", description = "osq search: bits a dimension of the queries, 4 or 8.")
    Integer queryBits;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Neighbours per query, 1 <= K <= database rows.")
    int k;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "auto (the fastest available), reference, cpu, native, opencl or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--bits", paramLabel = "D",
            description = "Declared bits per code; checks that the padding beyond them is zero (default: 64 x words).")
    Integer bits;

    @Option(names = "--indices", required = true, paramLabel = "I.npy", description = "Output: neighbour indices.")
    Path indices;

    @Option(names = "--distances", paramLabel = "D.npy", description = "Output: Hamming distances (Hamming search).")
    Path distances;

    @Option(names = "--scores", paramLabel = "S.npy", description = "Output: osq scores, estimated cosines (with --query-bits).")
    Path scores;

    @Spec
    CommandSpec spec;

    /** Where the summary line goes when {@link SearchArgs} parsed the command (picocli's err stream otherwise). */
    PrintWriter err;

    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    /**
     * Called first thing in {@code main}: for a {@code search} whose backend will run the Java kernel, starts compiling
     * it for the database's code width while the JVM parses the command line ({@link SearchBackends#warmUp}). Any
     * problem with the arguments is left for the command itself to report.
     */
    static void warmUpKernelEarly(String[] args) {
        if (args.length == 0 || !args[0].equals("search") || !Boolean.parseBoolean(System.getProperty("binaryllm.warmup", "true"))) {
            return;
        }
        String backend = valueOf(args, "--backend");
        int words = 4;
        String database = valueOf(args, "--database");
        if (database != null) {
            if (FileKinds.describe(Path.of(database)) != null) {
                return; // a FIFO would block here: the command reports what it is
            }
            try (var channel = FileChannel.open(Path.of(database))) {
                long[] shape = NpyHeader.read(Path.of(database), channel).shape();
                if (shape.length == 2 && shape[1] > 0 && shape[1] < 4096) {
                    words = (int) shape[1];
                }
            } catch (RuntimeException | IOException e) {
                return; // the command reports it
            }
        }
        SearchBackends.warmUp(backend == null ? "auto" : backend, words);
    }

    private static String valueOf(String[] args, String option) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(option) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith(option + "=")) {
                return args[i].substring(option.length() + 1);
            }
        }
        return null;
    }

    @Override
    public Integer call() {
        if (spark != null) {
            return onSpark();
        }
        if (databases.size() != 1) {
            throw new BadArgumentException("database", "one database file (several shards, or a directory of them, need --spark)");
        }
        Path database = Path.of(databases.getFirst());
        if (queryBits != null) {
            return searchOsq(database);
        }
        if (scores != null) {
            throw new BadArgumentException("scores", "scores come from an osq search: add --query-bits 4 or 8 (Hamming search writes --distances)");
        }
        if (distances == null) {
            throw new BadArgumentException("distances", "a Hamming search needs --distances D.npy");
        }
        if (OsqFiles.isOsq(database)) {
            throw BadInputException.in(database, "holds osq codes (" + OsqFiles.correctionsPath(database).getFileName()
                    + " beside it): search them with --query-bits 4 or 8, float queries and --scores");
        }
        Outputs.requireWritable(indices, force);
        Outputs.requireWritable(distances, force);
        if (indices.toAbsolutePath().normalize().equals(distances.toAbsolutePath().normalize())) {
            throw new BadInputException("--indices and --distances name the same file " + indices);
        }
        try (BinaryCodeBatch db = Npy.readCodes(database); BinaryCodeBatch q = Npy.readCodes(queries);
             SearchBackend b = SearchBackends.open(backend)) {
            BinaryCodeBatch dbCodes = bits == null ? db : db.withBits(bits);
            BinaryCodeBatch qCodes = bits == null ? q : q.withBits(bits);
            dbCodes.requireSearchable(qCodes, k);
            long start = System.nanoTime();
            SearchResult r = b.search(dbCodes, qCodes, k);
            double seconds = (System.nanoTime() - start) / 1e9;
            try (AtomicOutput iOut = AtomicOutput.open(indices, force); AtomicOutput dOut = AtomicOutput.open(distances, force)) {
                Npy.writeTo(iOut::write, NpyDtype.I8, Npy.le(r.indices()), r.queries(), r.k());
                Npy.writeTo(dOut::write, NpyDtype.I4, Npy.le(r.distances()), r.queries(), r.k());
                AtomicOutput.commitTogether(AtomicOutput.of(iOut, dOut));
            }
            (err != null ? err : spec.commandLine().getErr()).printf("binaryllm search: %d queries x %d codes of %d bits, k=%d, backend %s: %.3f s%n",
                    q.rows(), db.rows(), dbCodes.bits(), k, b.name(), seconds);
        }
        return Main.OK;
    }

    /** The outputs as this command checks them, then the search on Spark through {@code spark-submit}. */
    private int onSpark() {
        Path second = queryBits != null ? scores : distances;
        String secondOption = queryBits != null ? "scores" : "distances";
        if (queryBits != null && !OsqCodes.queryBits(queryBits)) {
            throw new BadArgumentException("query-bits", "osq queries take 4 or 8 bits a dimension, got " + queryBits);
        }
        if (queryBits != null && distances != null) {
            throw new BadArgumentException("distances", "an osq search writes scores, not Hamming distances: use --scores S.npy");
        }
        if (queryBits == null && scores != null) {
            throw new BadArgumentException("scores", "scores come from an osq search: add --query-bits 4 or 8 (Hamming search writes --distances)");
        }
        if (second == null) {
            throw new BadArgumentException(secondOption, "a search on Spark writes --indices and --" + secondOption);
        }
        if (k < 1) { // its upper bound, the corpus size, is known once the shards are listed
            throw new BadArgumentException("k", "k must be at least 1, got " + k);
        }
        Outputs.requireWritable(indices, force);
        Outputs.requireWritable(second, force);
        SparkHandOver.requireMaster(spark);
        return SparkHandOver.run(new SparkHandOver.Job(spark, SparkHandOver.SEARCH_APP, sparkArgs(), Map.of(), Main.debug(spec)));
    }

    /** This search's options as the Spark application reads them (local paths absolute: the driver may run elsewhere). */
    List<String> sparkArgs() {
        Path second = queryBits != null ? scores : distances;
        List<String> args = new ArrayList<>();
        for (String d : databases) {
            args.addAll(List.of("--database", d));
        }
        args.addAll(List.of("--queries", queries.toAbsolutePath().toString(), "--k", Integer.toString(k), "--backend", backend,
                "--indices", indices.toAbsolutePath().toString(), queryBits != null ? "--scores" : "--distances",
                second.toAbsolutePath().toString()));
        if (queryBits != null) {
            args.addAll(List.of("--query-bits", queryBits.toString()));
        }
        if (bits != null) {
            args.addAll(List.of("--bits", bits.toString()));
        }
        if (force) {
            args.add("--force");
        }
        return args;
    }

    /** osq codes and their corrections against float queries quantized here; indices and scores out. */
    private int searchOsq(Path database) {
        if (!OsqCodes.queryBits(queryBits)) {
            throw new BadArgumentException("query-bits", "osq queries take 4 or 8 bits a dimension, got " + queryBits);
        }
        if (distances != null) {
            throw new BadArgumentException("distances", "an osq search writes scores, not Hamming distances: use --scores S.npy");
        }
        if (scores == null) {
            throw new BadArgumentException("scores", "an osq search needs --scores S.npy");
        }
        if (bits != null) {
            throw new BadArgumentException("bits", "osq codes carry their width in their centroid and planes; --bits is for Hamming codes");
        }
        Outputs.requireWritable(indices, force);
        Outputs.requireWritable(scores, force);
        if (indices.toAbsolutePath().normalize().equals(scores.toAbsolutePath().normalize())) {
            throw new BadInputException("--indices and --scores name the same file " + indices);
        }
        try (OsqFiles.Stored db = OsqFiles.read(database); FloatEmbeddingBatch x = EmbeddingFiles.read(queries);
             OsqCodes q = db.quantizer().encodeQueries(x, queryBits); SearchBackend b = SearchBackends.open(backend)) {
            db.codes().requireSearchable(q, k);
            long start = System.nanoTime();
            SearchResult r = b.search(db.codes(), q, k);
            double seconds = (System.nanoTime() - start) / 1e9;
            try (AtomicOutput iOut = AtomicOutput.open(indices, force); AtomicOutput sOut = AtomicOutput.open(scores, force)) {
                Npy.writeTo(iOut::write, NpyDtype.I8, Npy.le(r.indices()), r.queries(), r.k());
                Npy.writeTo(sOut::write, NpyDtype.F4, Npy.le(r.scores()), r.queries(), r.k());
                AtomicOutput.commitTogether(AtomicOutput.of(iOut, sOut));
            }
            (err != null ? err : spec.commandLine().getErr()).printf("binaryllm search: %d queries x %d osq codes (%d dims, %d-bit"
                            + " documents, %d-bit queries), k=%d, backend %s: %.3f s%n",
                    q.rows(), db.codes().rows(), q.dims(), db.codes().bitsPerDim(), queryBits, k, b.name(), seconds);
        }
        return Main.OK;
    }
}
