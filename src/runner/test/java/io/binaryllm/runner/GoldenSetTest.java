package io.binaryllm.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.BitPacking;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.Oracle;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GoldenSetTest {
    static final Path GOLDEN = Path.of(System.getProperty("binaryllm.home", ".")).resolve("golden");
    /** Ternary per row and per tensor, TQ2_0 and TQ1_0 where rows are whole blocks, binary int8 and XNOR a grouping. */
    private static final int LOW_BIT_PRODUCTS = (2 + 2) + (2 + 2) + (2 + 2 + 4) + (2 + 2 + 4);

    @TempDir
    Path tmp;

    static List<String> backends() {
        return SearchBackends.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theFrozenSetPassesOnEveryBackend(String name) {
        try (SearchBackend backend = Backends.open(name)) {
            List<GoldenSet.Finding> findings = GoldenSet.check(GOLDEN, List.of(backend));
            assertThat(findings.stream().filter(f -> !f.ok()).map(f -> f.what() + ": " + f.detail())).isEmpty();
            // The backend answered all 7 cases x (2 searched binarizers + 3 osq widths) x 3 values of k, and where it
            // has low-bit kernels (reference, cpu and native must) the 24 low-bit products.
            boolean lowBit = backend.lowBitKernels().isPresent();
            if (Backends.inCi() && List.of("reference", "cpu", "native").contains(name)) {
                assertThat(lowBit).as(name + " has low-bit kernels").isTrue();
            }
            assertThat(findings).filteredOn(f -> f.what().endsWith(" on " + name)).hasSize(7 * (2 + 3) * 3 + (lowBit ? LOW_BIT_PRODUCTS : 0));
            assertThat(findings).filteredOn(f -> f.what().contains("/osq-b2q8 top-") && f.what().endsWith(" on " + name)).hasSize(7 * 3);
        }
    }

    @Test
    void regeneratingGivesTheSameBytes() throws IOException {
        Path fresh = tmp.resolve("golden");
        GoldenSet.regenerate(fresh);
        assertThat(Files.readString(fresh.resolve(GoldenSet.MANIFEST))).isEqualTo(Files.readString(GOLDEN.resolve(GoldenSet.MANIFEST)));
    }

    @Test
    void anyChangeToTheFilesIsRefusedByTheManifest() throws IOException {
        Path copy = copyGolden();
        Path victim = copy.resolve("d65/sign.k5.indices.npy");
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length - 1] ^= 1;
        Files.write(victim, bytes);
        assertThatThrownBy(() -> GoldenSet.check(copy, List.of(SearchBackends.open("reference")))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("d65/sign.k5.indices.npy has changed").hasMessageContaining("golden regenerate --force");
        Files.delete(victim);
        assertThatThrownBy(() -> GoldenSet.verifyManifest(copy)).hasMessageContaining("d65/sign.k5.indices.npy is missing");
        Path copy2 = copyGolden();
        Files.writeString(copy2.resolve("d1/extra.txt"), "x");
        assertThatThrownBy(() -> GoldenSet.verifyManifest(copy2)).hasMessageContaining("d1/extra.txt is not in the manifest");
    }

    @Test
    void aWrongExpectationIsReportedAsAMismatch() throws IOException {
        // Swap two entries of a top-k file and re-seal the manifest: only the recomputation can catch it now.
        Path copy = copyGolden();
        Path indices = copy.resolve("ties/sign.k5.indices.npy");
        long[] v = Npy.readHeap(indices).longs();
        long t = v[0];
        v[0] = v[1];
        v[1] = t;
        Files.delete(indices);
        Npy.write(indices, false, NpyDtype.I8, Npy.le(v), 5, 5);
        Files.writeString(copy.resolve(GoldenSet.MANIFEST), GoldenSet.manifest(copy));
        List<GoldenSet.Finding> bad = GoldenSet.check(copy, List.of(SearchBackends.open("reference"))).stream().filter(f -> !f.ok()).toList();
        assertThat(bad).singleElement().satisfies(f -> assertThat(f.what()).isEqualTo("ties/sign top-5 on reference"));
    }

    @Test
    void aWrongOsqScoreIsReportedAsAMismatch() throws IOException {
        Path copy = copyGolden();
        Path scores = copy.resolve("d130/osq-b1q4.k5.scores.npy");
        float[] v = Npy.readHeap(scores).floats();
        v[3] = Math.nextUp(v[3]); // one ulp
        Files.delete(scores);
        Npy.write(scores, false, NpyDtype.F4, Npy.le(v), v.length / 5, 5);
        Files.writeString(copy.resolve(GoldenSet.MANIFEST), GoldenSet.manifest(copy));
        List<GoldenSet.Finding> bad = GoldenSet.check(copy, List.of(SearchBackends.open("reference"))).stream().filter(f -> !f.ok()).toList();
        assertThat(bad).singleElement().satisfies(f -> assertThat(f.what()).isEqualTo("d130/osq-b1q4 top-5 on reference"));
    }

    @Test
    void aWrongLowBitProductIsReportedOnEveryBackendWithKernels() throws IOException {
        Path copy = copyGolden();
        Path y = copy.resolve("lowbit/r6c256t3/tq2_0.y.npy");
        float[] v = Npy.readHeap(y).floats();
        v[7] = Math.nextUp(v[7]);
        Files.delete(y);
        Npy.write(y, false, NpyDtype.F4, Npy.le(v), 3, 6);
        Files.writeString(copy.resolve(GoldenSet.MANIFEST), GoldenSet.manifest(copy));
        List<GoldenSet.Finding> bad = GoldenSet.check(copy, List.of(SearchBackends.open("reference"), SearchBackends.open("cpu")))
                .stream().filter(f -> !f.ok()).toList();
        assertThat(bad).extracting(GoldenSet.Finding::what)
                .containsExactly("lowbit/r6c256t3/tq2_0.y on reference", "lowbit/r6c256t3/tq2_0.y on cpu");
    }

    /**
     * The stored low-bit files against definitions written here: TQ2_0 bytes decode to the stored trits, each TQ2_0
     * half scale is the row's scale rounded to half, and every stored ternary product is the plain loop's
     * {@code ((float) sum / xScale) * scale} over the stored trits and int8 activations.
     */
    @Test
    void theStoredLowBitFilesAgreeWithTheDefinitions() {
        for (String shape : List.of("r6c256t3", "r3c768t2", "r5c63t1", "r4c131t2")) {
            Path d = GOLDEN.resolve("lowbit").resolve(shape);
            byte[] trits = Npy.readHeap(d.resolve("ternary-row.trits.npy")).bytes();
            float[] scales = Npy.readHeap(d.resolve("ternary-row.scales.npy")).floats();
            byte[] q = Npy.readHeap(d.resolve("int8.q.npy")).bytes();
            float[] xs = Npy.readHeap(d.resolve("int8.scales.npy")).floats();
            float[] y = Npy.readHeap(d.resolve("ternary-row.y.npy")).floats();
            int rows = scales.length;
            int cols = trits.length / rows;
            for (int b = 0; b < xs.length; b++) {
                for (int r = 0; r < rows; r++) {
                    int sum = 0;
                    for (int c = 0; c < cols; c++) {
                        sum += trits[r * cols + c] * q[b * cols + c];
                    }
                    assertThat(y[b * rows + r]).as("%s token %d row %d", shape, b, r).isEqualTo(((float) sum / xs[b]) * scales[r]);
                }
            }
            if (cols % 256 == 0) {
                byte[] tq2 = Npy.readHeap(d.resolve("tq2_0.npy")).bytes();
                for (int r = 0; r < rows; r++) {
                    for (int blk = 0; blk < cols / 256; blk++) {
                        int at = (r * (cols / 256) + blk) * 66;
                        for (int i = 0; i < 256; i++) {
                            int j = i / 128;
                            int n = (i % 128) / 32;
                            int m = i % 32;
                            int code = (tq2[at + j * 32 + m] >> (2 * n)) & 3;
                            assertThat(code - 1).as("%s row %d weight %d", shape, r, blk * 256 + i).isEqualTo(trits[r * cols + blk * 256 + i]);
                        }
                        short half = (short) ((tq2[at + 64] & 0xff) | (tq2[at + 65] & 0xff) << 8);
                        assertThat(Float.float16ToFloat(half)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(scales[r])));
                    }
                }
            }
        }
    }

    // ------------------------------------------------------ cross-checks that do not use the code that wrote the files

    /** Every stored osq top-k list is the oracle's on the stored codes: levels read bit by bit, products, a full sort. */
    @Test
    void everyOsqTopKIsTheOraclesOnTheStoredCodes() throws IOException {
        for (Path caseDir : caseDirs()) {
            int dims = Math.toIntExact(Npy.readHeap(caseDir.resolve("corpus.npy")).shape()[1]);
            for (GoldenSet.OsqVariant v : GoldenSet.osqVariants()) {
                float[] centroid = Npy.readHeap(caseDir.resolve(v.name() + ".centroid.npy")).floats();
                long id = OsqQuantizer.of(centroid, v.docBits()).centroidId();
                try (OsqCodes d = new OsqCodes(Npy.readCodes(caseDir.resolve(v.name() + ".corpus.codes.npy")),
                        Npy.readHeap(caseDir.resolve(v.name() + ".corpus.corrections.npy")).floats(), dims, v.docBits(), false, id);
                     OsqCodes q = new OsqCodes(Npy.readCodes(caseDir.resolve(v.name() + ".queries.codes.npy")),
                             Npy.readHeap(caseDir.resolve(v.name() + ".queries.corrections.npy")).floats(), dims, v.queryBits(), true, id)) {
                    for (int k : GoldenSet.ks(Math.toIntExact(d.rows()))) {
                        SearchResult expected = OsqOracle.topK(d, q, k);
                        assertThat(Npy.readHeap(caseDir.resolve(v.name() + ".k" + k + ".indices.npy")).longs())
                                .as("%s %s k=%d", caseDir.getFileName(), v.name(), k).containsExactly(expected.indices());
                        assertThat(Npy.readHeap(caseDir.resolve(v.name() + ".k" + k + ".scores.npy")).floats())
                                .as("%s %s k=%d", caseDir.getFileName(), v.name(), k).containsExactly(expected.scores());
                    }
                }
            }
        }
    }

    @Test
    void d1IsWhatAHumanWouldWriteDown() {
        // values 0, -0, 1.5, -2, MIN_VALUE, -MIN_VALUE, 1e-30, MAX_VALUE, -1e-30, 3, 0.25: x > 0 at 2, 4, 6, 7, 9, 10.
        long expected = (1 << 2) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 9) | (1 << 10);
        try (BinaryCodeBatch codes = Npy.readCodes(GOLDEN.resolve("d1/sign.corpus.codes.npy"));
             BinaryCodeBatch queries = Npy.readCodes(GOLDEN.resolve("d1/sign.queries.codes.npy"))) {
            long packed = 0;
            for (int r = 0; r < codes.rows(); r++) {
                packed |= codes.word(r, 0) << r;
            }
            assertThat(packed).isEqualTo(expected);
            assertThat(new long[]{queries.word(0, 0), queries.word(1, 0), queries.word(2, 0)}).containsExactly(1, 0, 0);
        }
        // Query 1.0 (bit 1): nearest are the rows with bit 1 in index order; query -1.0 (bit 0): rows 0, 1, 3, 5, 8.
        assertThat(Npy.readHeap(GOLDEN.resolve("d1/sign.k5.indices.npy")).longs())
                .containsExactly(2, 4, 6, 7, 9, 0, 1, 3, 5, 8, 0, 1, 3, 5, 8);
        assertThat(Npy.readHeap(GOLDEN.resolve("d1/sign.k1.distances.npy")).ints()).containsExactly(0, 0, 0);
        assertThat(Npy.readHeap(GOLDEN.resolve("d1/scaled-sign.corpus.scales.npy")).doubles())
                .containsExactly(0, 0, 1.5, 2, Float.MIN_VALUE, Float.MIN_VALUE, 1e-30f, Float.MAX_VALUE, 1e-30f, 3, 0.25);
    }

    @Test
    void everySignCodeFileIsNumpyPackbitsOfItsInput() throws IOException {
        for (Path caseDir : caseDirs()) {
            for (String part : List.of("corpus", "queries")) {
                try (FloatEmbeddingBatch x = Npy.readFloats(caseDir.resolve(part + ".npy"));
                     BinaryCodeBatch codes = Npy.readCodes(caseDir.resolve("sign." + part + ".codes.npy"));
                     BinaryCodeBatch scaled = Npy.readCodes(caseDir.resolve("scaled-sign." + part + ".codes.npy"))) {
                    int rowBytes = codes.words() * 8;
                    assertThat(codes.words()).isEqualTo((x.dims() + 63) / 64);
                    for (long r = 0; r < x.rows(); r++) {
                        byte[] actual = codes.segment().asSlice(r * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE);
                        assertThat(actual).as("%s row %d", caseDir, r).isEqualTo(Oracle.packbitsLittle(x.row(r), rowBytes));
                    }
                    assertThat(scaled.segment().mismatch(codes.segment())).isEqualTo(-1);
                    double[] scales = Npy.readHeap(caseDir.resolve("scaled-sign." + part + ".scales.npy")).doubles();
                    for (int r = 0; r < x.rows(); r++) {
                        double sum = 0;
                        for (float v : x.row(r)) {
                            sum += Math.abs(v);
                        }
                        assertThat(scales[r]).isCloseTo(sum / x.dims(), within(1e-12));
                    }
                }
            }
        }
    }

    @Test
    void everyTopKFileEqualsTheBruteForceOracle() throws IOException {
        int files = 0;
        for (Path caseDir : caseDirs()) {
            for (String variant : List.of("sign", "hyperplane-" + GoldenSet.HYPERPLANE_BITS)) {
                try (BinaryCodeBatch db = Npy.readCodes(caseDir.resolve(variant + ".corpus.codes.npy"));
                     BinaryCodeBatch q = Npy.readCodes(caseDir.resolve(variant + ".queries.codes.npy"))) {
                    int bits = db.words() * 64; // padding is zero, so full words give the same distances
                    int[][] dbBits = unpack(db, bits);
                    int[][] qBits = unpack(q, bits);
                    try (Stream<Path> topFiles = Files.list(caseDir)) {
                        for (Path f : topFiles.filter(p -> p.getFileName().toString().matches(variant + "\\.k\\d+\\.indices\\.npy")).toList()) {
                            int k = Integer.parseInt(f.getFileName().toString().replaceAll(".*\\.k(\\d+)\\..*", "$1"));
                            SearchResult expected = Oracle.topK(dbBits, qBits, k);
                            assertThat(Npy.readHeap(f).longs()).as(f.toString()).containsExactly(expected.indices());
                            assertThat(Npy.readHeap(Path.of(f.toString().replace(".indices.", ".distances."))).ints())
                                    .as(f.toString()).containsExactly(expected.distances());
                            files++;
                        }
                    }
                }
            }
        }
        assertThat(files).isEqualTo(7 * 2 * 3);
    }

    @Test
    void metricsFileAgreesWithAHandWrittenEvaluation() throws IOException {
        Path dir = GOLDEN.resolve("clusters");
        var json = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
        int k = json.get("k").asInt();
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("qrels.txt"))) {
            String[] f = line.split(" ");
            qrels.computeIfAbsent(f[0], x -> new HashMap<>()).put(f[2], Integer.parseInt(f[3]));
        }
        try (FloatEmbeddingBatch corpus = Npy.readFloats(dir.resolve("corpus.npy"));
             FloatEmbeddingBatch queries = Npy.readFloats(dir.resolve("queries.npy"))) {
            // Float baseline: cosine of every pair, sorted by (similarity desc, index asc).
            double ndcg = 0;
            double recall = 0;
            int evaluated = 0;
            for (int q = 0; q < queries.rows(); q++) {
                Map<String, Integer> judged = qrels.getOrDefault("q" + q, Map.of());
                if (judged.isEmpty()) {
                    continue;
                }
                float[] qv = queries.row(q);
                List<Integer> order = new ArrayList<>();
                double[] sim = new double[(int) corpus.rows()];
                for (int i = 0; i < corpus.rows(); i++) {
                    float[] d = corpus.row(i);
                    double dot = 0, a = 0, b = 0;
                    for (int j = 0; j < d.length; j++) {
                        dot += (double) qv[j] * d[j];
                        a += (double) qv[j] * qv[j];
                        b += (double) d[j] * d[j];
                    }
                    sim[i] = dot / (Math.sqrt(a) * Math.sqrt(b));
                    order.add(i);
                }
                order.sort(Comparator.<Integer>comparingDouble(i -> -sim[i]).thenComparingInt(i -> i));
                double dcg = 0;
                int hits = 0;
                for (int r = 0; r < k; r++) {
                    int g = judged.getOrDefault("d" + order.get(r), 0);
                    dcg += g / (Math.log(r + 2) / Math.log(2));
                    hits += g > 0 ? 1 : 0;
                }
                List<Integer> ideal = judged.values().stream().sorted(Comparator.reverseOrder()).toList();
                double idcg = 0;
                for (int r = 0; r < k; r++) {
                    idcg += ideal.get(r) / (Math.log(r + 2) / Math.log(2));
                }
                ndcg += dcg / idcg;
                recall += (double) hits / judged.size();
                evaluated++;
            }
            assertThat(json.at("/float/evaluatedQueries").asInt()).isEqualTo(evaluated).isEqualTo(12);
            assertThat(json.at("/float/queriesWithoutRelevant").asInt()).isEqualTo(1);
            assertThat(json.at("/float/ndcg").asDouble()).isCloseTo(ndcg / evaluated, within(1e-12));
            assertThat(json.at("/float/recall").asDouble()).isCloseTo(recall / evaluated, within(1e-12));
        }
    }

    private static int[][] unpack(BinaryCodeBatch codes, int bits) {
        int[][] out = new int[(int) codes.rows()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = BitPacking.unpack(codes.row(r), bits);
        }
        return out;
    }

    private static List<Path> caseDirs() throws IOException {
        try (Stream<Path> s = Files.list(GOLDEN)) {
            List<Path> dirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("lowbit")).sorted().toList();
            assertThat(dirs).hasSize(7);
            return dirs;
        }
    }

    private Path copyGolden() throws IOException {
        Path copy = Files.createTempDirectory(tmp, "golden");
        try (Stream<Path> walk = Files.walk(GOLDEN)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(GOLDEN.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }
}
