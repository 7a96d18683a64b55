package io.binaryllm.cli;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqFiles;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.binaryllm.cli.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code pack --binarizer osq} and {@code search --query-bits}: the library's answer through files, and bad input refused. */
class OsqCliTest {
    @TempDir
    Path dir;

    private Path floats(String name, FloatEmbeddingBatch x) {
        Path p = dir.resolve(name);
        Npy.writeFloats(p, false, x);
        return p;
    }

    @Test
    void packThenSearchGivesTheLibrarysScoresOnEveryBackend() throws IOException {
        FloatEmbeddingBatch docs = OsqOracle.vectors(1, 300, 97, "clustered");
        FloatEmbeddingBatch queries = OsqOracle.vectors(2, 7, 97, "clustered");
        Path dbIn = floats("db.npy", docs);
        Path qIn = floats("q.npy", queries);
        Path codes = dir.resolve("db.osq.npy");
        CliTest.Run pack = cli("pack", "--input", dbIn, "--binarizer", "osq", "--bits", 194, "--output", codes);
        assertThat(pack.code()).as(pack.err()).isZero();
        assertThat(pack.err()).contains("2 bits a dimension").contains("db.osq.corrections.npy").contains("db.osq.centroid.npy");
        assertThat(Npy.readHeap(OsqFiles.correctionsPath(codes)).shape()).containsExactly(300, 4);
        assertThat(Npy.readHeap(codes).shape()).containsExactly(300, 4); // 2 planes of 2 words
        OsqQuantizer quantizer = OsqQuantizer.fit(docs, 2);
        try (OsqCodes d = quantizer.encodeDocuments(docs); OsqCodes q = quantizer.encodeQueries(queries, 8)) {
            SearchResult expected = OsqOracle.topK(d, q, 11);
            for (String backend : Stream.concat(Stream.of("reference"), SearchBackends.loadAll().stream()
                    .filter(b -> b.availability().available()).map(b -> b.name())).distinct().toList()) {
                Path i = dir.resolve("I-" + backend + ".npy");
                Path s = dir.resolve("S-" + backend + ".npy");
                CliTest.Run run = cli("search", "--database", codes, "--queries", qIn, "--query-bits", 8, "--k", 11,
                        "--backend", backend, "--indices", i, "--scores", s);
                assertThat(run.code()).as(run.err()).isZero();
                assertThat(run.err()).contains("2-bit documents, 8-bit queries").contains("backend " + backend);
                Npy.HeapArray scores = Npy.readHeap(s);
                assertThat(scores.dtype()).isEqualTo(NpyDtype.F4);
                assertThat(scores.shape()).containsExactly(7, 11);
                assertThat(Npy.readHeap(i).longs()).as(backend).containsExactly(expected.indices());
                assertThat(scores.floats()).as(backend).containsExactly(expected.scores());
            }
        }
    }

    @Test
    void badOsqInputIsExitTwoWithOneLineAndWritesNothing() throws IOException {
        Path dbIn = floats("db.npy", OsqOracle.vectors(1, 40, 16, "random"));
        Path qIn = floats("q.npy", OsqOracle.vectors(2, 3, 16, "random"));
        Path wide = floats("wide.npy", OsqOracle.vectors(3, 3, 17, "random"));
        Path codes = dir.resolve("c.npy");
        assertBad(cli("pack", "--input", dbIn, "--binarizer", "osq", "--bits", 24, "--output", codes),
                "--bits", "osq keeps 1, 2 or 4 bits a dimension: for 16-dim vectors --bits is 16, 32 or 64, got 24");
        assertBad(cli("pack", "--input", dbIn, "--binarizer", "osq", "--layout", "faiss", "--output", codes), "--layout", "only the words layout");
        assertThat(cli("pack", "--input", dbIn, "--binarizer", "osq", "--output", codes).code()).isZero();
        List<Path> packed = List.of(dbIn, qIn, wide, codes, OsqFiles.correctionsPath(codes), OsqFiles.centroidPath(codes),
                OsqFiles.manifestPath(codes));
        Path i = dir.resolve("I.npy");
        Path s = dir.resolve("S.npy");
        assertBad(search(codes, wide, "4", i, "--scores", s), "wide.npy", "rows have 17 dims, the osq centroid has 16");
        assertBad(search(codes, qIn, "2", i, "--scores", s), "--query-bits", "osq queries take 4 or 8 bits a dimension, got 2");
        assertBad(search(codes, qIn, "4", i, "--distances", s), "--distances", "use --scores");
        assertBad(cli("search", "--database", codes, "--queries", qIn, "--k", 3, "--indices", i, "--distances", s),
                "c.npy", "holds osq codes (c.corrections.npy beside it)");
        assertBad(cli("search", "--database", codes, "--queries", qIn, "--query-bits", 4, "--k", 41, "--indices", i, "--scores", s),
                "--k", "between 1 and the database size 40, got 41");
        assertOnly(packed);
        // Corrections of another length, and codes without theirs.
        Files.copy(OsqFiles.correctionsPath(codes), dir.resolve("keep.npy"));
        Npy.write(OsqFiles.correctionsPath(codes), true, NpyDtype.F4, Npy.le(new float[39 * 4]), 39, 4);
        assertBad(search(codes, qIn, "4", i, "--scores", s), "c.corrections.npy", "39 rows of corrections for 40 rows of codes");
        Files.delete(OsqFiles.correctionsPath(codes));
        assertBad(search(codes, qIn, "4", i, "--scores", s), "c.corrections.npy", "missing: osq codes");
        assertThat(i).doesNotExist();
        assertThat(s).doesNotExist();
    }

    /**
     * A corrections or centroid file swapped in from another pack of the same shape is refused, naming it and the
     * codes (it gave exit 0 and silently wrong scores); so is a pack without its manifest, or with a broken one.
     */
    @Test
    void sideFilesOfAnotherPackAreRefusedNamingBothFiles() throws IOException {
        Path dbIn = floats("db.npy", OsqOracle.vectors(1, 40, 16, "random"));
        Path otherIn = floats("other.npy", OsqOracle.vectors(5, 40, 16, "random"));
        Path qIn = floats("q.npy", OsqOracle.vectors(2, 3, 16, "random"));
        Path codes = dir.resolve("c.npy");
        Path other = dir.resolve("o.npy");
        assertThat(cli("pack", "--input", dbIn, "--binarizer", "osq", "--output", codes).code()).isZero();
        assertThat(cli("pack", "--input", otherIn, "--binarizer", "osq", "--output", other).code()).isZero();
        assertThat(Files.readAllLines(OsqFiles.manifestPath(codes))).hasSize(4).first().isEqualTo("binaryllm osq pack 1");
        Path i = dir.resolve("I.npy");
        Path s = dir.resolve("S.npy");
        assertThat(search(codes, qIn, "4", i, "--scores", s).code()).isZero();
        Files.delete(i);
        Files.delete(s);
        for (Path side : List.of(OsqFiles.correctionsPath(codes), OsqFiles.centroidPath(codes))) {
            Path keep = Files.move(side, dir.resolve("keep"));
            Files.copy(other.resolveSibling(side.getFileName().toString().replaceFirst("^c\\.", "o.")), side);
            assertBad(search(codes, qIn, "4", i, "--scores", s), side + ": not written with " + codes, "c.osq.txt records");
            Files.move(keep, side, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path keep = Files.move(codes, dir.resolve("keep"));
        Files.copy(other, codes);
        assertBad(search(codes, qIn, "4", i, "--scores", s), codes + ": not the codes the manifest c.osq.txt describes", "CRC-32C");
        Files.move(keep, codes, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(OsqFiles.manifestPath(codes), "binaryllm osq pack 1\ncodes x 0\n");
        assertBad(search(codes, qIn, "4", i, "--scores", s), "c.osq.txt", "not an osq manifest");
        Files.delete(OsqFiles.manifestPath(codes));
        assertBad(search(codes, qIn, "4", i, "--scores", s), "c.osq.txt", "missing: osq codes");
        assertThat(i).doesNotExist();
        assertThat(s).doesNotExist();
    }

    private static CliTest.Run search(Path codes, Path queries, String queryBits, Path i, String outOption, Path out) {
        return cli("search", "--database", codes, "--queries", queries, "--query-bits", queryBits, "--k", 3,
                "--indices", i, outOption, out);
    }

    private static void assertBad(CliTest.Run run, String subject, String problem) {
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains(subject).contains(problem).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private void assertOnly(List<Path> expected) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }
}
