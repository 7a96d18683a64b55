package io.binaryllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.data.io.MappedFaults;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.gpu.GpuBackend;
import io.binaryllm.gpu.GpuTimings;
import io.binaryllm.gpu.PopcountBound;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        // picocli would break [--database=CODES.npy] and [--osq=DxQ[,DxQ...]]... inside them at 80 columns
        customSynopsis = {"binaryllm bench [--database=CODES.npy --queries=QCODES.npy]",
                "        [--n=N] [--nq=NQ] [--bits=D[,D...]] [--k=K[,K...]] [--osq=DxQ[,DxQ...]]",
                "        [--backends=NAME[,NAME...]] [--repeat=R] [--check=Q] [--seed=S]",
                "        [--json=OUT.json] [--write-data=DIR] [--force] [--debug] [-hV]"},
        description = {"Throughput of every backend: pairs/s, bits/s and speed-up over reference, per code width and k.",
                "Each backend's answer for the first --check queries is compared with reference before it is reported.",
                "Times are medians of --repeat calls after half a second of untimed warm-up calls (JIT-warm, as a library",
                "user sees it); whole-process comparisons with other tools are in benchmarks/compare-ceiling.sh."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--database", paramLabel = "CODES.npy", description = "Database codes (default: generated).")
    Path database;

    @Option(names = "--queries", paramLabel = "QCODES.npy", description = "Query codes (default: generated).")
    Path queries;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000000", description = "Generated database rows (default: ${DEFAULT-VALUE}).")
    long n;

    @Option(names = "--bits", paramLabel = "D", split = ",", defaultValue = "256,1024", description = "Generated code widths (default: ${DEFAULT-VALUE}).")
    List<Integer> bits;

    @Option(names = "--nq", paramLabel = "NQ", defaultValue = "1000", description = "Generated queries (default: ${DEFAULT-VALUE}).")
    int nq;

    @Option(names = "--k", paramLabel = "K", split = ",", defaultValue = "10", description = "Values of k (default: ${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Option(names = "--backends", paramLabel = "NAME", split = ",", description = "Backends to time (default: every available one).")
    List<String> backends;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "3", description = "Timed calls per configuration (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--check", paramLabel = "Q", defaultValue = "100", description = "Queries checked against (and timed on) reference (default: ${DEFAULT-VALUE}).")
    int check;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the generated codes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--osq", split = ",", paramLabel = "DxQ",
            description = {"Time osq searches instead of Hamming ones: document x query bits a dimension, e.g. 1x4,2x4;",
                    "--bits are then dimensions. Generated codes only (random planes and corrections)."})
    List<String> osq;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write the rows as JSON.")
    Path json;

    @Option(names = "--write-data", paramLabel = "DIR",
            description = "Only write the generated codes (db<bits>.npy, q<bits>.npy) to DIR, for other tools to read.")
    Path writeData;

    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    /** Timed calls are kept to take their median; more than this is a typo, not a measurement. */
    static final int MAX_REPEAT = 1_000_000;

    @Override
    public Integer call() throws IOException {
        if (repeat < 1 || check < 1 || nq < 1 || n < 1) {
            throw new BadInputException("bench: --repeat, --check, --nq and --n must be positive");
        }
        if (repeat > MAX_REPEAT) {
            throw new BadInputException("--repeat: at most " + MAX_REPEAT + " timed calls, got " + repeat);
        }
        if ((database == null) != (queries == null)) {
            throw new BadInputException("bench: give both --database and --queries, or neither");
        }
        if (json != null) {
            Outputs.requireWritable(json, force);
        }
        if (database == null) {
            requireGeneratedDataFits();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (writeData != null) {
            writeData(out);
            return Main.OK;
        }
        List<BenchRow> rows = new ArrayList<>();
        out.printf("%-10s %6s %5s %10s %8s %9s %12s %10s %9s  %s%n", "backend", "bits", "k", "n", "queries", "seconds",
                "Mpairs/s", "Gbit/s", "speedup", "device");
        if (osq != null) {
            OsqBench.run(this, parseOsq(), rows, out);
        } else if (database != null) {
            try (BinaryCodeBatch db = Npy.readCodes(database); BinaryCodeBatch q = Npy.readCodes(queries)) {
                measure(db, q, rows, out);
            } catch (InternalError e) {
                throw MappedFaults.explain(e, database.toString(), queries.toString());
            }
        } else {
            for (int b : bits) {
                try (BinaryCodeBatch db = generate("database", n, b); BinaryCodeBatch q = generate("queries", nq, b)) {
                    measure(db, q, rows, out);
                }
            }
        }
        if (json != null) {
            byte[] text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(new Report(Machine.here(), rows));
            AtomicOutput.writeBytes(json, force, text);
        }
        return Main.OK;
    }

    /** {@code --osq}'s widths as (document bits, query bits), refused with the option's name. */
    private List<int[]> parseOsq() {
        if (database != null) {
            throw new BadInputException("--osq: osq is timed on generated codes; --database and --queries give Hamming codes");
        }
        List<int[]> out = new ArrayList<>();
        for (String spec : osq) {
            String[] parts = spec.split("x");
            try {
                int[] w = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
                if (parts.length == 2 && OsqCodes.documentBits(w[0]) && OsqCodes.queryBits(w[1])) {
                    out.add(w);
                    continue;
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                // reported below
            }
            throw new BadInputException("--osq: '" + spec + "' is not DOCxQUERY bits a dimension with DOC 1, 2 or 4 and QUERY 4 or 8 (e.g. 1x4)");
        }
        return out;
    }

    /**
     * Refuses, before generating anything, a width that is not positive and data the machine cannot hold: one width's
     * database and queries are in memory at a time.
     */
    private void requireGeneratedDataFits() {
        for (int k : ks) {
            if (k < 1 || k > n) {
                throw new BadInputException("--k: k must be between 1 and the database size " + n + ", got " + k);
            }
        }
        for (int b : bits) {
            if (b < 1) {
                throw new BadInputException("--bits: must be positive, got " + b);
            }
            long words = BinaryCodeBatch.wordsFor(b);
            long dbBytes = MemoryBudget.bytes(n, words, Long.BYTES);
            long total = MemoryBudget.sum(dbBytes, MemoryBudget.bytes(nq, words, Long.BYTES));
            MemoryBudget.offHeapShortfall(total).ifPresent(problem -> {
                throw new BadInputException("--n, --nq, --bits: " + n + " database codes and " + nq + " queries of " + b
                        + " bits: " + problem);
            });
        }
    }

    /** The generated codes of every width, committed together once all are written. */
    private void writeData(PrintWriter out) {
        for (int b : bits) {
            Outputs.requireWritable(writeData.resolve("db" + b + ".npy"), force);
            Outputs.requireWritable(writeData.resolve("q" + b + ".npy"), force);
        }
        List<AtomicOutput> files = new ArrayList<>();
        try {
            for (int b : bits) {
                try (BinaryCodeBatch db = generate("database", n, b); BinaryCodeBatch q = generate("queries", nq, b)) {
                    for (BinaryCodeBatch codes : List.of(db, q)) {
                        AtomicOutput file = AtomicOutput.open(writeData.resolve((codes == db ? "db" : "q") + b + ".npy"), force);
                        files.add(file);
                        Npy.writeTo(file::write, NpyDtype.U8, codes.segment(), codes.rows(), codes.words());
                    }
                }
            }
            AtomicOutput.commitTogether(files);
        } finally {
            files.forEach(AtomicOutput::close);
        }
        for (int b : bits) {
            out.printf("wrote %s/db%d.npy (%d x %d bits) and q%d.npy (%d queries)%n", writeData, b, n, b, b, nq);
        }
    }

    private BinaryCodeBatch generate(String what, long rows, int b) {
        return RandomCodes.generate(new Seeds(seed).stream("bench/" + what + "/" + b), rows, b, "generated " + what);
    }

    private void measure(BinaryCodeBatch db, BinaryCodeBatch q, List<BenchRow> rows, PrintWriter out) {
        List<SearchBackend> chosen = chooseBackends();
        try {
            SearchBackend reference = chosen.stream().filter(b -> b.name().equals("reference")).findFirst().orElseThrow();
            int checked = (int) Math.min(check, q.rows());
            BinaryCodeBatch checkQueries = slice(q, checked);
            for (int k : ks) {
                db.requireSearchable(q, k);
                double refTime = time(() -> reference.search(db, checkQueries, k));
                SearchResult expected = reference.search(db, checkQueries, k);
                double refRate = (double) db.rows() * checked / refTime;
                rows.add(print(out, reference, db, checked, k, refTime, refRate, checked));
                for (SearchBackend b : chosen) {
                    if (b == reference) {
                        continue;
                    }
                    String diff = b.search(db, checkQueries, k).firstDifference(expected);
                    if (diff != null) {
                        throw new IllegalStateException(b.name() + " differs from reference (" + diff + "): not reporting it");
                    }
                    double seconds = time(() -> b.search(db, q, k));
                    BenchRow row = print(out, b, db, (int) q.rows(), k, seconds, refRate, checked);
                    row = withIndex(out, row, b, db, q, k, checkQueries, expected);
                    rows.add(row);
                }
            }
        } finally {
            chosen.forEach(SearchBackend::close);
        }
    }

    private BenchRow print(PrintWriter out, SearchBackend b, BinaryCodeBatch db, int nqTimed, int k, double seconds,
                           double refRate, int checked) {
        return print(out, b, new Timed(null, db.rows(), db.bits(), nqTimed, k, seconds), refRate, checked);
    }

    /**
     * One timed search.
     *
     * @param osqWidths null for Hamming, else e.g. "1x4" (and {@code bits} are dimensions x document bits)
     * @param rows      database rows
     * @param bits      bits a code
     * @param nqTimed   queries timed
     * @param k         neighbours a query
     * @param seconds   the median wall time of one call
     */
    record Timed(String osqWidths, long rows, int bits, int nqTimed, int k, double seconds) {
    }

    /** Prints and returns one row: {@code t} against the reference's rate, {@code checked} queries compared first. */
    BenchRow print(PrintWriter out, SearchBackend b, Timed t, double refRate, int checked) {
        String osqWidths = t.osqWidths();
        long rows = t.rows();
        int bits = t.bits();
        int nqTimed = t.nqTimed();
        int k = t.k();
        double seconds = t.seconds();
        double pairs = (double) rows * nqTimed / seconds;
        var gpu = b instanceof GpuBackend g ? g.lastTimings() : null;
        BenchRow row = new BenchRow(b.name(), osqWidths, b.availability().detail(), bits, k, rows, nqTimed, seconds, pairs,
                pairs * bits, pairs / refRate, checked, gpu, null);
        out.printf("%-10s %6d %5d %10d %8d %9.4f %12.1f %10.1f %8.1fx  %s%s%n", row.backend(), row.bits(), k, row.n(),
                nqTimed, seconds, pairs / 1e6, row.bitsPerSecond() / 1e9, row.speedup(), osqWidths == null ? "" : "osq " + osqWidths + ", ",
                row.device());
        if (gpu != null) {
            out.printf("%-10s   last call: %s%n", "", parts(gpu));
            double rate = ((GpuBackend) b).popcountsPerSecond();
            if (rate > 0 && osqWidths == null) {
                double bound = PopcountBound.seconds((double) rows * nqTimed, bits, rate);
                out.printf("%-10s   kernels %.1fx the popcount bound (%.4f s: %d x %d pairs, %d 32-bit popcounts each, %.3g/s)%n",
                        "", gpu.kernels() / bound, bound, rows, nqTimed, (bits + 31) / 32, rate);
            }
        }
        out.flush();
        return row;
    }

    private static String parts(GpuTimings gpu) {
        long b = gpu.uploadedBytes();
        String sent = b >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", b / 1e6)
                : b >= 1_000 ? String.format(Locale.ROOT, "%.1f kB", b / 1e3) : b + " B";
        return String.format(Locale.ROOT, "uploads %.4f s (%s), kernels %.4f s, downloads %.4f s, host selection and rest %.4f s, buffers allocated %d",
                gpu.upload(), sent, gpu.kernels(), gpu.download(),
                gpu.total() - gpu.upload() - gpu.kernels() - gpu.download(), gpu.allocations());
    }

    /**
     * The same searches through the backend's index (its BinaryIndex): kept on the device by a GPU backend (each call then
     * uploads only its queries), laid out in blocks by the CPU backends (each call then reads the codes once). Checked
     * against the reference first, like every row; nothing where the backend searches in place.
     */
    private BenchRow withIndex(PrintWriter out, BenchRow row, SearchBackend b, BinaryCodeBatch db, BinaryCodeBatch q,
                               int k, BinaryCodeBatch checkQueries, SearchResult expected) {
        long start = System.nanoTime();
        try (BinaryIndex<BinaryCodeBatch> index = b.index(db)) {
            double build = (System.nanoTime() - start) / 1e9;
            if (index.residence().equals("in place")) {
                if (b instanceof GpuBackend) {
                    out.printf("%-10s   index: does not fit on the device; searched in chunks as above%n", "");
                }
                return row;
            }
            String diff = index.search(checkQueries, k).firstDifference(expected);
            if (diff != null) {
                throw new IllegalStateException(b.name() + " through its index differs from reference (" + diff + "): not reporting it");
            }
            double seconds = time(() -> index.search(q, k));
            GpuTimings gpu = b instanceof GpuBackend g ? g.lastTimings() : null;
            double pairs = (double) db.rows() * q.rows() / seconds;
            out.printf("%-10s   index (%s; built in %.4f s): %.4f s a call, %.1f Mpairs/s, %.1fx the call above%s%n",
                    "", index.residence(), build, seconds, pairs / 1e6, row.seconds() / seconds,
                    gpu == null ? "" : "; last call: " + parts(gpu));
            out.flush();
            return new BenchRow(row.backend(), null, row.device(), row.bits(), row.k(), row.n(), row.queries(), row.seconds(),
                    row.pairsPerSecond(), row.bitsPerSecond(), row.speedup(), row.checkedQueries(), row.gpu(),
                    new BenchRow.Index(index.residence(), build, seconds, pairs, gpu));
        }
    }

    /**
     * Median of {@link #repeat} timed calls, after warm-up calls for at least half a second (at least one): the JIT
     * must have compiled the kernel, or small configurations would time the interpreter.
     */
    double time(Runnable call) {
        long warmUntil = System.nanoTime() + 500_000_000L;
        do {
            call.run();
        } while (System.nanoTime() < warmUntil);
        double[] t = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long start = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[repeat / 2];
    }

    List<SearchBackend> chooseBackends() {
        List<SearchBackend> out = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            boolean wanted = b.name().equals("reference") || backends == null || backends.contains(b.name());
            if (wanted && b.availability().available()) {
                out.add(b);
            } else {
                if (wanted && backends != null) {
                    spec.commandLine().getErr().printf("binaryllm bench: %s not measured: %s%n", b.name(), b.availability().detail());
                }
                b.close();
            }
        }
        if (backends != null) {
            for (String name : backends) {
                if (out.stream().noneMatch(b -> b.name().equals(name)) && SearchBackends.names().stream().noneMatch(name::equals)) {
                    out.forEach(SearchBackend::close);
                    throw new BadInputException("--backends: unknown backend '" + name + "'");
                }
            }
        }
        return out;
    }

    private static BinaryCodeBatch slice(BinaryCodeBatch q, int rows) {
        return BinaryCodeBatch.wrap(q.segment().asSlice(0, (long) rows * q.words() * Long.BYTES), rows, q.bits(), q.source(), null);
    }

    /** What {@code --json} writes: where it ran, and every row. */
    record Report(Machine machine, List<BenchRow> rows) {
    }

    /** The machine a benchmark ran on. */
    record Machine(String cpu, int cores, String java, String os, String date) {
        static Machine here() {
            return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"), LocalDate.now().toString());
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }
}
