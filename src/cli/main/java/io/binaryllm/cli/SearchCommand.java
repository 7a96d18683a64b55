package io.binaryllm.cli;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.io.AtomicOutput;
import io.binaryllm.data.io.FileKinds;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.data.io.NpyHeader;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Exact Hamming top-k of every query against the database, ordered by (distance, index).",
                "Writes indices (<i8, (nq, k)) and distances (<i4, (nq, k))."})
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--database", required = true, paramLabel = "CODES.npy", description = "Database codes (<u8 words).")
    Path database;

    @Option(names = "--queries", required = true, paramLabel = "QCODES.npy", description = "Query codes (<u8 words).")
    Path queries;

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

    @Option(names = "--distances", required = true, paramLabel = "D.npy", description = "Output: Hamming distances.")
    Path distances;

    @Spec
    CommandSpec spec;

    /** Where the summary line goes when {@link SearchArgs} parsed the command (picocli's err stream otherwise). */
    java.io.PrintWriter err;

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
            try (var channel = java.nio.channels.FileChannel.open(Path.of(database))) {
                long[] shape = NpyHeader.read(Path.of(database), channel).shape();
                if (shape.length == 2 && shape[1] > 0 && shape[1] < 4096) {
                    words = (int) shape[1];
                }
            } catch (RuntimeException | java.io.IOException e) {
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
        Outputs.requireWritable(indices, force);
        Outputs.requireWritable(distances, force);
        if (indices.toAbsolutePath().normalize().equals(distances.toAbsolutePath().normalize())) {
            throw new io.binaryllm.BadInputException("--indices and --distances name the same file " + indices);
        }
        try (BinaryCodeBatch db = Npy.readCodes(database); BinaryCodeBatch q = Npy.readCodes(queries);
             SearchBackend b = SearchBackends.open(backend)) {
            BinaryCodeBatch dbCodes = bits == null ? db : db.withBits(bits);
            BinaryCodeBatch qCodes = bits == null ? q : q.withBits(bits);
            SearchBackend.requireValid(dbCodes, qCodes, k);
            long start = System.nanoTime();
            SearchResult r = b.search(dbCodes, qCodes, k);
            double seconds = (System.nanoTime() - start) / 1e9;
            try (AtomicOutput iOut = AtomicOutput.open(indices, force); AtomicOutput dOut = AtomicOutput.open(distances, force)) {
                Npy.writeTo(iOut, NpyDtype.I8, Npy.le(r.indices()), r.queries(), r.k());
                Npy.writeTo(dOut, NpyDtype.I4, Npy.le(r.distances()), r.queries(), r.k());
                AtomicOutput.commitTogether(AtomicOutput.of(iOut, dOut));
            }
            (err != null ? err : spec.commandLine().getErr()).printf("binaryllm search: %d queries x %d codes of %d bits, k=%d, backend %s: %.3f s%n",
                    q.rows(), db.rows(), dbCodes.bits(), k, b.name(), seconds);
        }
        return Main.OK;
    }
}
