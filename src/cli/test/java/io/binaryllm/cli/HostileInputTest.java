package io.binaryllm.cli;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.seed.Seeds;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Inputs and faults as a hostile user brings them, each through the whole CLI: the answer is exit 2 and one line on
 * stderr that names the file or option and the problem, no stack trace, and nothing written or left behind. The
 * cases stand for classes of problem (sizes that overflow, special files, nulls and duplicate keys, memory the
 * machine does not have); the library tests cover each class in depth.
 */
class HostileInputTest {
    @TempDir
    static Path dir;
    static Path out;

    /** An .npy file whose header is {@code dict}, followed by {@code data} bytes. */
    private static void npy(String name, String dict, int data) throws IOException {
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[10 + header.length + data];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, (byte) (header.length >> 8)};
        System.arraycopy(magic, 0, bytes, 0, 10);
        System.arraycopy(header, 0, bytes, 10, header.length);
        Files.write(dir.resolve(name), bytes);
    }

    @BeforeAll
    static void files() throws Exception {
        out = Files.createDirectories(dir.resolve("out"));
        try (var codes = RandomCodes.generate(new Seeds(1).stream("codes"), 50, 128, "codes")) {
            Npy.writeCodes(dir.resolve("codes.npy"), false, codes);
        }
        float[][] x = new float[50][70];
        for (int i = 0; i < 50; i++) {
            x[i][i % 70] = 1;
        }
        try (FloatEmbeddingBatch floats = FloatEmbeddingBatch.of(x)) {
            Npy.writeFloats(dir.resolve("x.npy"), false, floats);
        }
        npy("overflow.npy", "{'descr': '<u8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", 0);
        npy("overflow-f4.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 2), }", 0);
        npy("claims-more.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 384), }", 8);
        npy("newline-in-header.npy", "{'descr': '<u8',\n\u0007 'fortran_order': False, 'shape': (1, 1), }", 8);
        Npy.write(dir.resolve("labels-i8.npy"), false, NpyDtype.I8, MemorySegment.ofArray(new long[]{1L << 40, 0}), 2);
        Files.createDirectory(dir.resolve("dir.npy"));
        SpecialFiles.fifo(dir.resolve("fifo.npy"));
        SpecialFiles.fifo(dir.resolve("fifo.txt"));
        SpecialFiles.fifo(dir.resolve("fifo.yaml"));
        Files.createSymbolicLink(dir.resolve("zero.npy"), Path.of("/dev/zero"));
        Files.createSymbolicLink(dir.resolve("zero.txt"), Path.of("/dev/zero"));
        Files.createSymbolicLink(dir.resolve("zero.yaml"), Path.of("/dev/zero"));
        Files.createSymbolicLink(out.resolve("null.npy"), Path.of("/dev/null"));
        SpecialFiles.fifo(out.resolve("fifo-out.npy"));
        Files.write(dir.resolve("latin1.txt"), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        String run = "dataset: {name: golden/clusters}\nvariants: [{binarizer: sign}]\noutput: {dir: " + out.resolve("runs") + "}\n";
        Files.writeString(dir.resolve("null-name.yaml"), "name: null\n" + run);
        Files.writeString(dir.resolve("null-k.yaml"), "name: t\nevaluation: {k: [5, null]}\n" + run);
        Files.writeString(dir.resolve("twice.yaml"), "name: t\nname: u\n" + run);
        Files.writeString(dir.resolve("twice.json"), "{\"name\": \"t\", \"variants\": [], \"variants\": [], \"dataset\": {\"name\": \"golden/clusters\"}}");
        Files.writeString(dir.resolve("bits.yaml"), "name: t\n" + run.replace("{binarizer: sign}", "{binarizer: hyperplane, bits: 2000000000}"));
        Files.writeString(dir.resolve("nul-path.yaml"), "name: t\ndataset: {corpus: \"a\\0b.npy\", queries: x.npy}\nvariants: [{binarizer: sign}]\n");
        Files.writeString(dir.resolve("out-is-file.yaml"), "name: t\n" + run.replace("output: {dir: " + out.resolve("runs"), "output: {dir: " + dir.resolve("codes.npy")));
        Files.writeString(dir.resolve("fifo-corpus.yaml"), "name: t\ndataset: {corpus: fifo.npy, queries: x.npy}\nvariants: [{binarizer: sign}]\n");
        Files.writeString(dir.resolve("labels.yaml"), "name: t\ndataset: {corpus: x.npy, queries: x.npy, labels: labels-i8.npy}\nvariants: [{binarizer: sign}]\n"
                .replace("x.npy, labels", "x.npy, labels") + "output: {dir: " + out.resolve("runs") + "}\n");
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        String[] search = {"search", "--k", "1", "--indices", "out/I.npy", "--distances", "out/D.npy", "--queries", "codes.npy", "--database"};
        String[] pack = {"pack", "--binarizer", "sign", "--output", "out/c.npy", "--input"};
        add(cases, "overflow.npy: shape [4611686018427387904, 4611686018427387904] of <u8 claims more bytes than any file holds", search, "overflow.npy");
        add(cases, "overflow-f4.npy: shape [9223372036854775807, 2] of <f4 claims more bytes than any file holds", pack, "overflow-f4.npy");
        add(cases, "claims-more.npy: truncated: shape [1000000000, 384] of <f4 needs 1536000000128 bytes, the file has 136", pack, "claims-more.npy");
        add(cases, "newline-in-header.npy: malformed .npy header", search, "newline-in-header.npy");
        add(cases, "dir.npy: is a directory, not a regular file", search, "dir.npy");
        add(cases, "fifo.npy: is a FIFO (named pipe), not a regular file", search, "fifo.npy");
        add(cases, "fifo.npy: is a FIFO (named pipe), not a regular file", pack, "fifo.npy");
        add(cases, "zero.npy: is a character device, not a regular file", search, "zero.npy");
        add(cases, "--bits: a hyperplane projection of 2147483647 bits x 70 dimensions has 150323855290 entries, more than one array holds (2^31)",
                new String[]{"pack", "--binarizer", "hyperplane", "--bits", "2147483647", "--output", "out/c.npy", "--input"}, "x.npy");
        add(cases, "--bits: a hyperplane projection of 20000000 bits x 70 dimensions: ",
                new String[]{"pack", "--binarizer", "hyperplane", "--bits", "20000000", "--output", "out/c.npy", "--input"}, "x.npy");
        add(cases, "null.npy: is a character device: outputs replace only regular files",
                new String[]{"pack", "--binarizer", "sign", "--force", "--input", "x.npy", "--output"}, "out/null.npy");
        add(cases, "fifo-out.npy: is a FIFO (named pipe): outputs replace only regular files",
                new String[]{"pack", "--binarizer", "sign", "--force", "--input", "x.npy", "--output"}, "out/fifo-out.npy");
        add(cases, "fifo.txt: is a FIFO (named pipe), not a regular file", new String[]{"embed", "--output", "out/e.npy", "--input"}, "fifo.txt");
        add(cases, "zero.txt: is a character device, not a regular file", new String[]{"embed", "--output", "out/e.npy", "--input"}, "zero.txt");
        add(cases, "latin1.txt:1: not valid UTF-8", new String[]{"embed", "--output", "out/e.npy", "--input"}, "latin1.txt");
        add(cases, "fifo.yaml: is a FIFO (named pipe), not a regular file", new String[]{"run"}, "fifo.yaml");
        add(cases, "zero.yaml: is a character device, not a regular file", new String[]{"run"}, "zero.yaml");
        add(cases, "null-name.yaml: name: null is not a value", new String[]{"run"}, "null-name.yaml");
        add(cases, "null-k.yaml: evaluation.k[1]: null is not a value", new String[]{"run"}, "null-k.yaml");
        add(cases, "twice.yaml: name: key given twice (line 2)", new String[]{"run"}, "twice.yaml");
        add(cases, "twice.json: variants: key given twice (line 1)", new String[]{"run"}, "twice.json");
        add(cases, "bits.yaml: variants[0].bits: a hyperplane projection of 2000000000 bits x 96 dimensions has", new String[]{"run"}, "bits.yaml");
        add(cases, "fifo-corpus.yaml: dataset.corpus: ", new String[]{"run"}, "fifo-corpus.yaml");
        add(cases, "nul-path.yaml: dataset.corpus: not a valid path: ", new String[]{"run"}, "nul-path.yaml");
        add(cases, "codes.npy: is a file, not a directory for outputs", new String[]{"run"}, "out-is-file.yaml");
        add(cases, "Invalid value for option '--database' (CODES.npy): not a valid path (Nul character not allowed)", new String[]{"search", "--k", "1", "--indices", "out/I.npy",
                "--distances", "out/D.npy", "--queries", "codes.npy", "--database"}, "nul\0.npy");
        add(cases, "labels-i8.npy: row 0: label 1099511627776 is beyond the 32-bit class numbers labels are", new String[]{"run"}, "labels.yaml");
        add(cases, "--n, --nq, --bits: 3000000000 database codes and 10 queries of 256 bits: ",
                new String[]{"bench", "--nq", "10", "--bits", "256", "--backends", "cpu", "--n"}, "3000000000");
        add(cases, "--n, --nq, --bits: 1000 database codes and 10 queries of 2000000000 bits: ",
                new String[]{"bench", "--n", "1000", "--nq", "10", "--backends", "cpu", "--bits"}, "2000000000");
        add(cases, "--repeat: at most 1000000 timed calls, got 2000000000",
                new String[]{"bench", "--n", "1000", "--nq", "10", "--bits", "64", "--repeat"}, "2000000000");
        add(cases, "null.npy: is a character device: outputs replace only regular files",
                new String[]{"bench", "--n", "100", "--nq", "2", "--bits", "64", "--force", "--backends", "cpu", "--json"}, "out/null.npy");
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String expected, String[] args, String last) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        cases.add(Arguments.of(String.join(" ", all), expected, all));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exitTwoWithOneLineAndNothingLeftBehind(String name, String expected, String[] args) throws Exception {
        List<Path> before;
        try (Stream<Path> files = Files.list(out)) {
            before = files.sorted().toList();
        }
        String[] resolved = Arrays.stream(args).map(HostileInputTest::resolve).toArray(String[]::new);
        StringWriter err = new StringWriter();
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), resolved));
        List<String> lines = err.toString().lines().toList();
        assertThat(code).as(err.toString()).isEqualTo(Main.BAD_INPUT);
        assertThat(lines).as("one line").hasSize(1);
        assertThat(lines.getFirst()).startsWith("binaryllm").contains(expected)
                .doesNotContain("Exception").doesNotContain("internal error").doesNotContain("\tat ");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.sorted().toList()).as("nothing written or left behind").isEqualTo(before);
        }
    }

    /** Relative names are the test directory's (file names end with an extension; options, numbers do not). */
    private static String resolve(String arg) {
        return arg.startsWith("-") || !arg.contains(".") || arg.indexOf(0) >= 0 ? arg : dir.resolve(arg).toString();
    }

    @Test
    void anOutOfMemoryErrorOrAMappedFaultIsExitTwoWithOneLine() {
        StringWriter err = new StringWriter();
        assertThat(Main.failure(new OutOfMemoryError("Java heap space"), false, new PrintWriter(err, true))).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("binaryllm: out of memory (Java heap space): the JVM may use at most ").contains("-Xmx")
                .endsWith("; bin/binaryllm passes BINARYLLM_JAVA_OPTS to the JVM");
        StringWriter fault = new StringWriter();
        assertThat(Main.failure(new InternalError("a fault occurred in an unsafe memory access operation"), false,
                new PrintWriter(fault, true))).isEqualTo(Main.BAD_INPUT);
        assertThat(fault.toString().lines()).singleElement().asString().contains("a memory-mapped input shrank while it was being read");
        StringWriter io = new StringWriter();
        assertThat(Main.failure(new UncheckedIOException(new FileSystemException("/x/y", null, "Read-only file system")),
                false, new PrintWriter(io, true))).isEqualTo(Main.BAD_INPUT);
        assertThat(io.toString().lines()).containsExactly("binaryllm: /x/y: Read-only file system");
    }
}
