package io.binaryllm.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.binarize.ScaledSignBinarizer;
import io.binaryllm.binarize.SignBinarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.Ranking;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.data.io.QrelsFiles;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.internal.io.Sha256;
import io.binaryllm.internal.io.StagedDirectory;
import io.binaryllm.metric.Cosine;
import io.binaryllm.metric.Overlap;
import io.binaryllm.metric.RetrievalMetrics;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.quantize.OsqScores;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.runner.internal.GoldenCase;
import io.binaryllm.runner.internal.LowBitGolden;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The golden set: the golden cases, their codes under every binarizer, their osq codes and corrections, top-k lists
 * (with osq's scores) and metric values, and the low-bit layers' quantized weights, activations and products
 * ({@link LowBitGolden}, recomputed on every backend with low-bit kernels),
 * frozen in {@code golden/} with a SHA-256 manifest. {@link #check} recomputes everything with the current code
 * (every given backend for top-k) and reports each difference; {@link #regenerate} is the only writer.
 */
public final class GoldenSet {
    public static final String MANIFEST = "MANIFEST.sha256";
    /** Prime, and more than one word: exercises a partial last word in every projection and search. */
    public static final int HYPERPLANE_BITS = 67;
    /** The k of the metrics file. */
    public static final int METRICS_K = 10;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GoldenSet() {
    }

    /** A binarizer as the golden files name it. */
    public record Variant(String name, Binarizer binarizer) {
    }

    public static List<Variant> variants() {
        return List.of(
                new Variant("sign", new SignBinarizer()),
                new Variant("scaled-sign", new ScaledSignBinarizer()),
                new Variant("hyperplane-" + HYPERPLANE_BITS, new HyperplaneBinarizer(HYPERPLANE_BITS, new Seeds(GoldenCase.MASTER_SEED))));
    }

    /** An osq configuration as the golden files name it: {@code osq-b<docBits>q<queryBits>}. */
    public record OsqVariant(int docBits, int queryBits) {
        public String name() {
            return "osq-b" + docBits + "q" + queryBits;
        }
    }

    /** Every document width, both query widths between them. */
    public static List<OsqVariant> osqVariants() {
        return List.of(new OsqVariant(1, 4), new OsqVariant(2, 8), new OsqVariant(4, 4));
    }

    /** The searched variants (scaled-sign has sign's codes, so searching it again would prove nothing new). */
    static List<Variant> searchedVariants() {
        return variants().stream().filter(v -> !v.name().equals("scaled-sign")).toList();
    }

    /** k = 1, 5 and n: the smallest, a typical and the largest k, each case's n decides the rest. */
    public static List<Integer> ks(int n) {
        return new ArrayList<>(new TreeSet<>(List.of(1, Math.min(5, n), n)));
    }

    /** One result of a check: what was compared and, when it differs, how. */
    public record Finding(String what, boolean ok, String detail) {
    }

    // --------------------------------------------------------------------------------------------- regenerate

    /**
     * Writes the whole golden set to a new folder and only then swaps it in for {@code dir}, so a failed run leaves
     * the previous set untouched.
     */
    public static void regenerate(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try (StagedDirectory fresh = StagedDirectory.create(abs.getParent(), abs.getFileName().toString())) {
            for (GoldenCase c : GoldenCase.all()) {
                writeCase(fresh.path().resolve(c.name()), c);
            }
            LowBitGolden.write(fresh.path());
            Files.writeString(fresh.path().resolve(MANIFEST), manifest(fresh.path()), StandardCharsets.UTF_8);
            fresh.commitReplacing();
        } catch (IOException e) {
            throw BadInputException.in(abs, "cannot regenerate: " + FileKinds.reason(e));
        }
    }

    private static void writeCase(Path dir, GoldenCase c) throws IOException {
        Files.createDirectories(dir);
        try (FloatEmbeddingBatch corpus = FloatEmbeddingBatch.of(c.corpus());
             FloatEmbeddingBatch queries = FloatEmbeddingBatch.of(c.queries())) {
            Npy.writeFloats(dir.resolve("corpus.npy"), false, corpus);
            Npy.writeFloats(dir.resolve("queries.npy"), false, queries);
            try (SearchBackend reference = SearchBackends.open("reference")) {
                for (Variant v : variants()) {
                    try (Binarized bc = v.binarizer().binarize(corpus); Binarized bq = v.binarizer().binarize(queries)) {
                        Npy.writeCodes(dir.resolve(v.name() + ".corpus.codes.npy"), false, bc.codes());
                        Npy.writeCodes(dir.resolve(v.name() + ".queries.codes.npy"), false, bq.codes());
                        if (bc.scales().isPresent()) {
                            writeDoubles(dir.resolve(v.name() + ".corpus.scales.npy"), bc.scales().get());
                            writeDoubles(dir.resolve(v.name() + ".queries.scales.npy"), bq.scales().get());
                        }
                        if (searchedVariants().stream().anyMatch(s -> s.name().equals(v.name()))) {
                            for (int k : ks(c.corpus().length)) {
                                SearchResult r = reference.search(bc.codes(), bq.codes(), k);
                                Npy.write(dir.resolve(topKName(v, k, "indices")), false, NpyDtype.I8, Npy.le(r.indices()), r.queries(), k);
                                Npy.write(dir.resolve(topKName(v, k, "distances")), false, NpyDtype.I4, Npy.le(r.distances()), r.queries(), k);
                            }
                        }
                    }
                }
            }
            writeOsq(dir, c, corpus, queries);
            if (c.labels() != null) {
                Npy.write(dir.resolve("labels.npy"), false, NpyDtype.I4, Npy.le(c.labels()), c.labels().length);
                Files.writeString(dir.resolve("qrels.txt"), c.qrels(), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("metrics.json"), JSON.writeValueAsString(metrics(corpus, queries, QrelsFiles.read(dir.resolve("qrels.txt")))));
            }
        }
    }

    static String topKName(Variant v, int k, String what) {
        return v.name() + ".k" + k + "." + what + ".npy";
    }

    /**
     * osq: the centroid, document and query planes and corrections, and the reference's top-k (indices and scores) at
     * every k of the case.
     */
    private static void writeOsq(Path dir, GoldenCase c, FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries) {
        try (SearchBackend reference = SearchBackends.open("reference")) {
            for (OsqVariant v : osqVariants()) {
                OsqQuantizer quantizer = OsqQuantizer.fit(corpus, v.docBits());
                try (OsqCodes d = quantizer.encodeDocuments(corpus); OsqCodes q = quantizer.encodeQueries(queries, v.queryBits())) {
                    Npy.write(dir.resolve(v.name() + ".centroid.npy"), false, NpyDtype.F4, Npy.le(quantizer.centroid()), 1, quantizer.dims());
                    writeOsqCodes(dir, v.name() + ".corpus", d);
                    writeOsqCodes(dir, v.name() + ".queries", q);
                    for (int k : ks(c.corpus().length)) {
                        SearchResult r = reference.search(d, q, k);
                        Npy.write(dir.resolve(v.name() + ".k" + k + ".indices.npy"), false, NpyDtype.I8, Npy.le(r.indices()), r.queries(), k);
                        Npy.write(dir.resolve(v.name() + ".k" + k + ".scores.npy"), false, NpyDtype.F4, Npy.le(r.scores()), r.queries(), k);
                    }
                }
            }
        }
    }

    private static void writeOsqCodes(Path dir, String stem, OsqCodes codes) {
        Npy.writeCodes(dir.resolve(stem + ".codes.npy"), false, codes.planes());
        Npy.write(dir.resolve(stem + ".corrections.npy"), false, NpyDtype.F4, Npy.le(codes.corrections()), codes.rows(), OsqScores.CORRECTIONS);
    }

    /** Stored osq planes and corrections as codes of {@code quantizer}. */
    private static OsqCodes readOsqCodes(Path dir, String stem, int dims, int bits, boolean queries, OsqQuantizer quantizer) {
        return new OsqCodes(Npy.readCodes(dir.resolve(stem + ".codes.npy")), Npy.readHeap(dir.resolve(stem + ".corrections.npy")).floats(),
                dims, bits, queries, quantizer.centroidId());
    }

    private static void writeDoubles(Path file, double[] values) {
        Npy.write(file, false, NpyDtype.F8, Npy.le(values), values.length);
    }

    /**
     * The metrics file of a case with qrels: for the float baseline (exact cosine) and each searched binary
     * variant, recall@k, nDCG@k and MRR@k; for each variant also overlap@k with the float top-k.
     */
    static JsonNode metrics(FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries, Qrels qrels) {
        int k = METRICS_K;
        List<String> queryIds = new ArrayList<>();
        for (int q = 0; q < queries.rows(); q++) {
            queryIds.add("q" + q);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("k", k);
        long[][] floatTop = Cosine.topK(corpus, queries, k);
        root.set("float", scoresNode(RetrievalMetrics.evaluate(queryIds, docIds(floatTop), qrels, k)));
        ObjectNode vars = root.putObject("variants");
        for (Variant v : searchedVariants()) {
            try (Binarized bc = v.binarizer().binarize(corpus); Binarized bq = v.binarizer().binarize(queries);
                 SearchBackend reference = SearchBackends.open("reference")) {
                long[][] top = reference.search(bc.codes(), bq.codes(), k).indexLists();
                ObjectNode node = scoresNode(RetrievalMetrics.evaluate(queryIds, docIds(top), qrels, k));
                node.put("overlapWithFloat", Overlap.meanAtK(floatTop, top, k));
                vars.set(v.name(), node);
            }
        }
        return root;
    }

    private static ObjectNode scoresNode(RetrievalMetrics.Scores s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("recall", s.recall());
        n.put("ndcg", s.ndcg());
        n.put("mrr", s.mrr());
        n.put("evaluatedQueries", s.evaluatedQueries());
        n.put("queriesWithoutRelevant", s.queriesWithoutRelevant());
        return n;
    }

    private static List<List<String>> docIds(long[][] top) {
        return Stream.of(top).map(row -> Arrays.stream(row).mapToObj(i -> "d" + i).toList()).toList();
    }

    // ------------------------------------------------------------------------------------------------- check

    /**
     * Verifies the manifest, then recomputes every code, scale and metric value, and every top-k list with each
     * backend in {@code backends}. Manifest problems (a missing, extra or altered file) throw
     * {@link BadInputException}: the comparison would be meaningless. Computed differences come back as findings.
     */
    public static List<Finding> check(Path dir, List<SearchBackend> backends) {
        verifyManifest(dir);
        List<Finding> findings = new ArrayList<>();
        for (GoldenCase c : GoldenCase.all()) {
            checkCase(dir.resolve(c.name()), c, backends, findings);
        }
        Map<String, LowBitKernels> kernels = new LinkedHashMap<>();
        for (SearchBackend b : backends) {
            b.lowBitKernels().ifPresent(k -> kernels.put(b.name(), k));
        }
        for (LowBitGolden.Finding f : LowBitGolden.check(dir, kernels)) {
            findings.add(new Finding(f.what(), f.difference() == null, f.difference() == null ? "" : f.difference()));
        }
        return findings;
    }

    private static void checkCase(Path dir, GoldenCase c, List<SearchBackend> backends, List<Finding> out) {
        try (FloatEmbeddingBatch corpus = Npy.readFloats(dir.resolve("corpus.npy"));
             FloatEmbeddingBatch queries = Npy.readFloats(dir.resolve("queries.npy"));
             FloatEmbeddingBatch expectedCorpus = FloatEmbeddingBatch.of(c.corpus())) {
            out.add(same(c.name() + "/corpus.npy (regenerated from the seed)", corpus.segment(), expectedCorpus.segment()));
            for (Variant v : variants()) {
                try (Binarized bc = v.binarizer().binarize(corpus); Binarized bq = v.binarizer().binarize(queries);
                     BinaryCodeBatch ec = Npy.readCodes(dir.resolve(v.name() + ".corpus.codes.npy"));
                     BinaryCodeBatch eq = Npy.readCodes(dir.resolve(v.name() + ".queries.codes.npy"))) {
                    out.add(same(c.name() + "/" + v.name() + " corpus codes", bc.codes().segment(), ec.segment()));
                    out.add(same(c.name() + "/" + v.name() + " query codes", bq.codes().segment(), eq.segment()));
                    if (bc.scales().isPresent()) {
                        out.add(same(c.name() + "/" + v.name() + " corpus scales", MemorySegment.ofArray(bc.scales().get()),
                                Npy.readHeap(dir.resolve(v.name() + ".corpus.scales.npy")).data()));
                        out.add(same(c.name() + "/" + v.name() + " query scales", MemorySegment.ofArray(bq.scales().get()),
                                Npy.readHeap(dir.resolve(v.name() + ".queries.scales.npy")).data()));
                    }
                    if (searchedVariants().stream().noneMatch(s -> s.name().equals(v.name()))) {
                        continue;
                    }
                    BinaryCodeBatch dbCodes = ec.withBits(bc.codes().bits());
                    BinaryCodeBatch qCodes = eq.withBits(bq.codes().bits());
                    for (int k : ks(c.corpus().length)) {
                        SearchResult expected = new SearchResult(c.queries().length, k,
                                Npy.readHeap(dir.resolve(topKName(v, k, "indices"))).longs(),
                                Npy.readHeap(dir.resolve(topKName(v, k, "distances"))).ints());
                        for (SearchBackend b : backends) {
                            String diff = expected.firstDifference(b.search(dbCodes, qCodes, k));
                            out.add(new Finding(c.name() + "/" + v.name() + " top-" + k + " on " + b.name(), diff == null,
                                    diff == null ? "" : "expected vs computed: " + diff));
                        }
                    }
                }
            }
            checkOsq(dir, c, corpus, queries, backends, out);
            if (c.labels() != null) {
                try {
                    JsonNode expected = JSON.readTree(dir.resolve("metrics.json").toFile());
                    JsonNode actual = metrics(corpus, queries, QrelsFiles.read(dir.resolve("qrels.txt")));
                    out.add(new Finding(c.name() + "/metrics.json", expected.equals(actual),
                            expected.equals(actual) ? "" : "expected " + expected + ", computed " + actual));
                } catch (IOException e) {
                    throw BadInputException.in(dir.resolve("metrics.json"), "unreadable: " + e.getMessage());
                }
            }
        }
    }

    /** osq: centroid, planes and corrections recomputed byte for byte; top-k of the stored codes on every backend. */
    private static void checkOsq(Path dir, GoldenCase c, FloatEmbeddingBatch corpus, FloatEmbeddingBatch queries,
                                 List<SearchBackend> backends, List<Finding> out) {
        int dims = corpus.dims();
        for (OsqVariant v : osqVariants()) {
            String at = c.name() + "/" + v.name();
            OsqQuantizer quantizer = OsqQuantizer.fit(corpus, v.docBits());
            float[] storedCentroid = Npy.readHeap(dir.resolve(v.name() + ".centroid.npy")).floats();
            out.add(same(at + " centroid", MemorySegment.ofArray(quantizer.centroid()), MemorySegment.ofArray(storedCentroid)));
            OsqQuantizer stored = OsqQuantizer.of(storedCentroid, v.docBits());
            try (OsqCodes d = quantizer.encodeDocuments(corpus); OsqCodes q = quantizer.encodeQueries(queries, v.queryBits());
                 OsqCodes ed = readOsqCodes(dir, v.name() + ".corpus", dims, v.docBits(), false, stored);
                 OsqCodes eq = readOsqCodes(dir, v.name() + ".queries", dims, v.queryBits(), true, stored)) {
                out.add(same(at + " corpus codes", d.planes().segment(), ed.planes().segment()));
                out.add(same(at + " corpus corrections", MemorySegment.ofArray(d.corrections()), MemorySegment.ofArray(ed.corrections())));
                out.add(same(at + " query codes", q.planes().segment(), eq.planes().segment()));
                out.add(same(at + " query corrections", MemorySegment.ofArray(q.corrections()), MemorySegment.ofArray(eq.corrections())));
                for (int k : ks(c.corpus().length)) {
                    SearchResult expected = new SearchResult(c.queries().length, k,
                            Npy.readHeap(dir.resolve(v.name() + ".k" + k + ".indices.npy")).longs(),
                            scoreKeys(Npy.readHeap(dir.resolve(v.name() + ".k" + k + ".scores.npy")).floats()), Ranking.SCORE);
                    for (SearchBackend b : backends) {
                        String diff = expected.firstDifference(b.search(ed, eq, k));
                        out.add(new Finding(at + " top-" + k + " on " + b.name(), diff == null, diff == null ? "" : "expected vs computed: " + diff));
                    }
                }
            }
        }
    }

    private static int[] scoreKeys(float[] scores) {
        int[] keys = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            keys[i] = Ranking.keyOf(scores[i]);
        }
        return keys;
    }

    private static Finding same(String what, MemorySegment actual, MemorySegment expected) {
        long at = actual.mismatch(expected);
        return new Finding(what, at < 0, at < 0 ? "" : "first differing byte at offset " + at
                + " (sizes " + actual.byteSize() + " and " + expected.byteSize() + ")");
    }

    // ---------------------------------------------------------------------------------------------- manifest

    /** {@code sha256sum} format, sorted by path, covering every file under {@code dir} except the manifest. */
    static String manifest(Path dir) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Path f : files(dir)) {
            out.append(Sha256.hex(f)).append("  ").append(relative(dir, f)).append('\n');
        }
        return out.toString();
    }

    /** Refuses a golden folder whose files differ from its manifest in any way. */
    public static void verifyManifest(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            throw BadInputException.in(manifestFile, "no such file (is " + dir + " a golden set? `golden regenerate --force` creates one)");
        }
        FileKinds.requireRegularFile(manifestFile, 1 << 20, "a golden manifest");
        try {
            String expected = Files.readString(manifestFile, StandardCharsets.UTF_8);
            String actual = manifest(dir);
            if (!expected.equals(actual)) {
                throw BadInputException.in(manifestFile, firstManifestDifference(expected, actual)
                        + "; the golden set changes only through `golden regenerate --force`");
            }
        } catch (IOException e) {
            throw BadInputException.in(dir, "cannot read the golden set: " + FileKinds.reason(e));
        }
    }

    private static String firstManifestDifference(String expected, String actual) {
        Map<String, String> e = parseManifest(expected);
        Map<String, String> a = parseManifest(actual);
        for (var entry : e.entrySet()) {
            if (!a.containsKey(entry.getKey())) {
                return entry.getKey() + " is missing";
            }
            if (!a.get(entry.getKey()).equals(entry.getValue())) {
                return entry.getKey() + " has changed (SHA-256 " + a.get(entry.getKey()) + ", manifest says " + entry.getValue() + ")";
            }
        }
        for (String f : a.keySet()) {
            if (!e.containsKey(f)) {
                return f + " is not in the manifest";
            }
        }
        return "the manifest is not in canonical form";
    }

    private static Map<String, String> parseManifest(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            int sep = line.indexOf("  ");
            if (sep > 0) {
                out.put(line.substring(sep + 2), line.substring(0, sep));
            }
        }
        return out;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(dir.resolve(MANIFEST)))
                    .sorted(Comparator.comparing(p -> relative(dir, p)))
                    .toList();
        }
    }

    private static String relative(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }
}
