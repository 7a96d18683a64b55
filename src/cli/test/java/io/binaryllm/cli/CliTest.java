package io.binaryllm.cli;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.gpu.DeviceFailure;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.Oracle;
import picocli.CommandLine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run cli(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] argv = Arrays.stream(args).map(Object::toString).toArray(String[]::new);
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), argv);
        return new Run(code, out.toString(), err.toString());
    }

    private Path floats(String name, float[][] rows) {
        Path p = dir.resolve(name);
        Npy.writeFloats(p, false, FloatEmbeddingBatch.of(rows));
        return p;
    }

    private static float[][] gaussian(long seed, int rows, int d) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[rows][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (r.nextDouble() - 0.5);
            }
        }
        return out;
    }

    /** The command failed as bad input: exit 2, one line on stderr naming {@code subject}, no stack trace. */
    private static void assertBadInput(Run run, String subject, String problem) {
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(subject).contains(problem).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private void assertOnly(Path... expected) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).containsExactlyInAnyOrder(expected);
        }
    }

    @Test
    void packThenSearchEqualsNumpyAndTheOracle() throws IOException {
        float[][] db = gaussian(1, 130, 65);
        float[][] q = gaussian(2, 9, 65);
        Path dbIn = floats("db.npy", db);
        Path qIn = floats("q.npy", q);
        Path dbCodes = dir.resolve("db.codes.npy");
        Path qCodes = dir.resolve("q.codes.npy");
        assertThat(cli("pack", "--input", dbIn, "--binarizer", "sign", "--output", dbCodes).code()).isZero();
        assertThat(cli("pack", "--input", qIn, "--binarizer", "sign", "--output", qCodes).code()).isZero();
        // The file's data bytes are numpy.packbits(x > 0, bitorder='little') padded to 16 bytes a row.
        try (BinaryCodeBatch codes = Npy.readCodes(dbCodes)) {
            for (int r = 0; r < db.length; r++) {
                assertThat(codes.segment().asSlice(r * 16L, 16).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(Oracle.packbitsLittle(db[r], 16));
            }
        }
        Path i = dir.resolve("I.npy");
        Path d = dir.resolve("D.npy");
        Run run = cli("search", "--database", dbCodes, "--queries", qCodes, "--k", 7, "--backend", "reference",
                "--bits", 65, "--indices", i, "--distances", d);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("backend reference");
        int[][] dbBits = signs(db);
        int[][] qBits = signs(q);
        SearchResult expected = Oracle.topK(dbBits, qBits, 7);
        Npy.HeapArray indices = Npy.readHeap(i);
        Npy.HeapArray distances = Npy.readHeap(d);
        assertThat(indices.dtype()).isEqualTo(NpyDtype.I8);
        assertThat(indices.shape()).containsExactly(9, 7);
        assertThat(distances.dtype()).isEqualTo(NpyDtype.I4);
        assertThat(indices.longs()).containsExactly(expected.indices());
        assertThat(distances.ints()).containsExactly(expected.distances());
    }

    private static int[][] signs(float[][] x) {
        int[][] out = new int[x.length][x[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < x[r].length; j++) {
                out[r][j] = x[r][j] > 0 ? 1 : 0;
            }
        }
        return out;
    }

    @Test
    void packWritesScalesAndByteLayouts() {
        Path in = floats("x.npy", new float[][]{{1, -2, 3, -4, 0, 0, 0, 0, 5}});
        Path out = dir.resolve("x.codes.npy");
        assertThat(cli("pack", "--input", in, "--binarizer", "scaled-sign", "--output", out).code()).isZero();
        assertThat(Npy.readHeap(dir.resolve("x.codes.scales.npy")).doubles()).containsExactly(15.0 / 9);
        Path ubinary = dir.resolve("u.npy");
        assertThat(cli("pack", "--input", in, "--binarizer", "sign", "--layout", "ubinary", "--output", ubinary).code()).isZero();
        Npy.HeapArray u = Npy.readHeap(ubinary);
        assertThat(u.dtype()).isEqualTo(NpyDtype.U1);
        assertThat(u.shape()).containsExactly(1, 2);
        // bits 1 0 1 0 0 0 0 0 | 1: MSB-first bytes 0b10100000, 0b10000000 (numpy.packbits default).
        assertThat(u.data().toArray(ValueLayout.JAVA_BYTE)).containsExactly((byte) 0xA0, (byte) 0x80);
        Path faiss = dir.resolve("f.npy");
        assertThat(cli("pack", "--input", in, "--binarizer", "sign", "--layout", "faiss", "--output", faiss).code()).isZero();
        assertThat(Npy.readHeap(faiss).data().toArray(ValueLayout.JAVA_BYTE)).containsExactly((byte) 0x05, (byte) 0x01);
        Path h = dir.resolve("h.npy");
        assertThat(cli("pack", "--input", in, "--binarizer", "hyperplane", "--bits", 13, "--seed", 4, "--output", h).code()).isZero();
        assertThat(Npy.readHeap(h).shape()).containsExactly(1, 1);
    }

    @Test
    void nanInputIsExitTwoNamingRowAndColumnAndLeavesNothing() throws IOException {
        float[][] x = gaussian(3, 4, 5);
        x[2][3] = Float.NaN;
        Path in = floats("nan.npy", x);
        Run run = cli("pack", "--input", in, "--binarizer", "scaled-sign", "--output", dir.resolve("out.npy"));
        assertBadInput(run, in.toString(), "row 2, column 3 is NaN");
        assertOnly(in);
    }

    @Test
    void existingOutputsAreKeptUnlessForced() throws IOException {
        Path in = floats("x.npy", gaussian(4, 3, 8));
        Path out = dir.resolve("out.npy");
        Files.writeString(out, "precious");
        assertBadInput(cli("pack", "--input", in, "--binarizer", "sign", "--output", out), out.toString(), "already exists");
        assertThat(Files.readString(out)).isEqualTo("precious");
        assertThat(cli("pack", "--input", in, "--binarizer", "sign", "--output", out, "--force").code()).isZero();
        assertThat(Npy.readCodes(out).rows()).isEqualTo(3);
    }

    @Test
    void badSearchInputsAreExitTwoWithOneLineAndNoOutput() throws IOException {
        Path db = dir.resolve("db.npy");
        Path q = dir.resolve("q.npy");
        Path wide = dir.resolve("wide.npy");
        Npy.writeCodes(db, false, BinaryCodeBatch.ofWords(new long[]{1, 2, 3, 1L << 63}, 4, 64));
        Npy.writeCodes(q, false, BinaryCodeBatch.ofWords(new long[]{1}, 1, 64));
        Npy.writeCodes(wide, false, BinaryCodeBatch.ofWords(new long[]{1, 2}, 1, 128));
        Path truncated = dir.resolve("truncated.npy");
        byte[] bytes = Files.readAllBytes(db);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 3));
        Path floats = floats("floats.npy", new float[][]{{1, 2}});
        Path i = dir.resolve("I.npy");
        Path d = dir.resolve("D.npy");

        assertBadInput(search(db, q, 0, i, d), "--k", "got 0");
        assertBadInput(search(db, q, 5, i, d), "--k", "between 1 and the database size 4, got 5");
        assertBadInput(search(db, wide, 1, i, d), wide.toString(), "128-bit codes");
        assertBadInput(search(truncated, q, 1, i, d), truncated.toString(), "truncated");
        assertBadInput(search(floats, q, 1, i, d), floats.toString(), "dtype <f4 cannot hold packed codes");
        assertBadInput(search(dir.resolve("nope.npy"), q, 1, i, d), "nope.npy", "no such file");
        assertBadInput(cli("search", "--database", db, "--queries", q, "--k", 1, "--bits", 63, "--indices", i, "--distances", d),
                db.toString(), "row 3 has nonzero padding bits beyond bit 62");
        assertBadInput(cli("search", "--database", db, "--queries", q, "--k", 1, "--backend", "quantum", "--indices", i, "--distances", d),
                "--backend", "unknown backend 'quantum'");
        assertOnly(db, q, wide, truncated, floats);
    }

    private static Run search(Path db, Path q, int k, Path i, Path d) {
        return cli("search", "--database", db, "--queries", q, "--k", k, "--indices", i, "--distances", d);
    }

    @Test
    void usageErrorsAreExitTwoWithOneLine() {
        Run missing = cli("search", "--database", "x.npy");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.errLines()).singleElement().asString().startsWith("binaryllm search: Missing required option");
        Run unknown = cli("pack", "--inptu", "x.npy");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.errLines()).singleElement().asString().contains("Unknown option: '--inptu'; did you mean --input");
        Run notInt = cli("search", "--database", "a", "--queries", "b", "--k", "ten", "--indices", "i", "--distances", "d");
        assertThat(notInt.code()).isEqualTo(2);
        assertThat(notInt.errLines()).singleElement().asString().contains("'ten' is not an int");
        assertThat(cli("frobnicate").code()).isEqualTo(2);
    }

    @Test
    void debugShowsTheStackTrace() {
        Run run = cli("--debug", "pack", "--input", dir.resolve("missing.npy"), "--binarizer", "sign", "--output", dir.resolve("o.npy"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no such file").contains("BadInputException").contains("\tat ");
    }

    @Test
    void helpForEveryCommand() {
        for (String command : Main.COMMANDS) {
            if (command.equals("train-llama")) {
                continue; // its --help is the trainer's own, in a JVM of its own (TrainHandOverTest)
            }
            Run run = cli(command, "--help");
            assertThat(run.code()).isZero();
            assertThat(run.out()).contains("Usage: binaryllm " + command);
            // No line breaks inside an option's synopsis ("[--database=CODES." then "npy]...": picocli cut it at 80).
            for (String line : run.out().lines().toList()) {
                assertThat(line.chars().filter(c -> c == '[').count()).as(command + ": " + line)
                        .isLessThanOrEqualTo(line.chars().filter(c -> c == ']').count());
                assertThat(line.length()).as(command + ": " + line).isLessThanOrEqualTo(80);
            }
        }
    }

    @Test
    void devicesListsEveryBackend() {
        Run run = cli("devices");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("reference  available").contains("auto -> ");
    }

    @Test
    void goldenCheckPassesAndRegenerateNeedsForce() {
        Run check = cli("golden", "check", "--dir", Path.of(System.getProperty("binaryllm.home", ".")).resolve("golden"));
        assertThat(check.code()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("0 mismatches");
        assertBadInput(cli("golden", "regenerate", "--dir", dir.resolve("g")), "golden regenerate", "--force");
        assertThat(dir.resolve("g")).doesNotExist();
        assertBadInput(cli("golden", "check", "--dir", dir), "MANIFEST.sha256", "no such file");
    }

    /** Library argument errors name the option they came from; a config's, the file and key; both exit 2 in one line. */
    @Test
    void libraryErrorsNameTheOptionOrTheConfigKey() throws IOException {
        Path db = dir.resolve("db.npy");
        Npy.writeCodes(db, false, BinaryCodeBatch.ofWords(new long[]{1, 2}, 2, 64));
        Run k = cli("search", "--database", db, "--queries", db, "--k", "3", "--backend", "reference",
                "--indices", dir.resolve("i.npy"), "--distances", dir.resolve("d.npy"));
        assertBadInput(k, "--k: k must be between 1 and the database size 2, got 3", "");
        Run backend = cli("search", "--database", db, "--queries", db, "--k", "1", "--backend", "tpu",
                "--indices", dir.resolve("i.npy"), "--distances", dir.resolve("d.npy"));
        assertBadInput(backend, "--backend: unknown backend 'tpu'; known: auto, reference, cpu, native, opencl, cuda", "");
        Run binarizer = cli("pack", "--input", db, "--binarizer", "itq", "--output", dir.resolve("c.npy"));
        assertBadInput(binarizer, "--binarizer: unknown binarizer 'itq'", "");
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "name: bad\ndataset: {name: golden/clusterz}\nvariants: [{binarizer: sign}]\n");
        assertBadInput(cli("run", config), config.toString(), "dataset.name: unknown dataset 'golden/clusterz'");
        assertOnly(db, config);
    }

    /** Where no NVIDIA driver is, cuda loads, and asking for it is exit 2 with the reason. */
    @Test
    void cudaWithoutADriverExitsTwoWithTheReason() throws IOException {
        String detail;
        try (SearchBackend cuda = SearchBackends.loadAll().stream()
                .filter(b -> b.name().equals("cuda")).findFirst().orElseThrow()) {
            Assumptions.assumeFalse(cuda.availability().available(), "a CUDA device is here");
            detail = cuda.availability().detail();
        }
        Path db = dir.resolve("db.npy");
        Npy.writeCodes(db, false, BinaryCodeBatch.ofWords(new long[]{1, 2}, 2, 64));
        Run run = cli("search", "--database", db, "--queries", db, "--k", "1", "--backend", "cuda",
                "--indices", dir.resolve("i.npy"), "--distances", dir.resolve("d.npy"));
        assertBadInput(run, "--backend: cuda is unavailable here: " + detail, "");
        assertOnly(db);
    }

    /** A device that fails mid-operation is something the user acts on (another backend, a smaller batch): exit 2, one line. */
    @Test
    void aFailingDeviceExitsTwoWithOneLineAndABugExitsOne() {
        StringWriter err = new StringWriter();
        var failure = new DeviceFailure("cuda", "searching", "CUDA_ERROR_LAUNCH_FAILED", new IllegalStateException());
        assertThat(Main.failure(failure, false, new PrintWriter(err, true))).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString().lines()).containsExactly("binaryllm: --backend: the cuda device failed while searching: CUDA_ERROR_LAUNCH_FAILED");
        StringWriter bug = new StringWriter();
        assertThat(Main.failure(new IllegalStateException("x"), false, new PrintWriter(bug, true))).isEqualTo(Main.BUG);
    }

    /** An unknown command is refused, with or without --help (which used to print the main help and exit 0). */
    @Test
    void anUnknownCommandIsRefusedEvenWithHelp() {
        for (Object[] args : new Object[][]{{"foo", "--help"}, {"foo"}, {"--debug", "foo", "-h"}}) {
            CliHarness.Run r = CliHarness.cli(args);
            assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err()).startsWith("binaryllm: unknown command 'foo'; the commands: pack, search").hasLineCount(1);
        }
    }

    /**
     * Every command's help is made without picocli's "Could not format" warnings (a lone % in kv-eval's help printed
     * three of them on stderr).
     */
    @Test
    void everyHelpTextFormats() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (String name : Main.COMMANDS) {
                assertThat(new CommandLine(Main.command(name)).getUsageMessage()).as(name).contains("Usage:");
            }
        } finally {
            System.setErr(stderr);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Could not format");
    }
}
