package io.binaryllm.runner;

import io.binaryllm.BadInputException;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.EmbeddingDataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.QueryDataset;
import io.binaryllm.data.io.EmbeddingFiles;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.QrelsFiles;
import io.binaryllm.internal.io.FileKinds;
import io.binaryllm.langchain4j.embed.EmbeddingCache;
import io.binaryllm.runner.internal.GoldenCase;
import io.binaryllm.runner.internal.Nearest;
import io.binaryllm.runner.internal.datasets.SyntheticClusters;
import io.binaryllm.runner.internal.datasets.WordNet;
import io.binaryllm.runner.internal.datasets.WordNetGlosses;
import io.binaryllm.seed.Seeds;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Named datasets: the golden cases ({@code golden/<case>}), generated clusters ({@code synthetic/...}, fixed data:
 * their seed is part of the name's definition, not the run's), real text ({@code wordnet/...}, embedded on first
 * use and cached) and files named in a config.
 */
public final class DatasetCatalog {
    /** A catalog entry: its name, what it is, its size, and how to build it. */
    public record Entry(String name, String description, long corpusRows, long queryRows, int dims,
                        Supplier<Dataset> load) {
    }

    private static final Map<String, Entry> ENTRIES = build();

    private DatasetCatalog() {
    }

    public static List<Entry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    private static Map<String, Entry> build() {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (GoldenCase c : GoldenCase.all()) {
            String name = "golden/" + c.name();
            out.put(name, new Entry(name, "golden case " + c.name() + (c.labels() != null ? " (labels, qrels)" : ""),
                    c.corpus().length, c.queries().length, c.dims(), () -> fromGolden(name, c)));
        }
        addSynthetic(out, "synthetic/clusters-10k", new SyntheticClusters(10_000, 256, 300, 20, 5, 1.5));
        addSynthetic(out, "synthetic/clusters-100k", new SyntheticClusters(100_000, 384, 1_000, 50, 5, 1.5));
        addWordNet(out, "wordnet/glosses-10k", new WordNetGlosses(10_000, 1_000));
        addWordNet(out, "wordnet/glosses-all", new WordNetGlosses(WordNetGlosses.ALL_SYNSETS, 5_000));
        return out;
    }

    private static void addWordNet(Map<String, Entry> out, String name, WordNetGlosses spec) {
        out.put(name, new Entry(name, "WordNet definitions, MiniLM-embedded; 45 classes, qrels (needs wordnet-base)",
                spec.documents(), spec.queries(), 384, () -> spec.load(name, WordNet.dir(), EmbeddingCache.defaultDir())));
    }

    private static void addSynthetic(Map<String, Entry> out, String name, SyntheticClusters spec) {
        out.put(name, new Entry(name, spec.classes() + " Gaussian classes of " + spec.docsPerTopic() + "-document topics; labels, qrels",
                spec.n(), spec.nq(), spec.d(), () -> spec.generate(name, new Seeds(0).stream("catalog/" + name))));
    }

    public static Optional<Entry> find(String name) {
        return Optional.ofNullable(ENTRIES.get(name));
    }

    /** Loads a config's dataset: a catalog dataset by name, or the files it names (relative to {@code base}). */
    public static Dataset load(RunConfig.Dataset dataset, Path base) {
        String name = dataset.name();
        String corpus = dataset.corpus();
        String queries = dataset.queries();
        String qrels = dataset.qrels();
        String labels = dataset.labels();
        if (name != null) {
            return find(name).orElseThrow(() -> new BadInputException("dataset.name: unknown dataset '" + name + "'"
                    + Nearest.hint(name, ENTRIES.keySet()) + "; known: " + String.join(", ", ENTRIES.keySet()))).load().get();
        }
        FloatEmbeddingBatch c = EmbeddingFiles.read(base.resolve(corpus));
        FloatEmbeddingBatch q = EmbeddingFiles.read(base.resolve(queries));
        if (c.dims() != q.dims()) {
            throw BadInputException.in(base.resolve(queries), q.dims() + " dimensions, the corpus has " + c.dims());
        }
        Optional<int[]> l = Optional.empty();
        if (labels != null) {
            Npy.HeapArray a = Npy.readHeap(base.resolve(labels));
            int[] values = switch (a.dtype()) {
                case I4 -> a.ints();
                case I8 -> intLabels(base.resolve(labels), a.longs());
                default -> throw BadInputException.in(base.resolve(labels), "labels must be <i4 or <i8, not " + a.dtype().descr());
            };
            if (values.length != c.rows()) {
                throw BadInputException.in(base.resolve(labels), values.length + " labels for " + c.rows() + " corpus rows");
            }
            l = Optional.of(values);
        }
        return new Dataset(
                new EmbeddingDataset(corpus, c, ids(base, dataset.corpusIds(), c.rows()), l),
                new QueryDataset(queries, q, ids(base, dataset.queryIds(), q.rows()), Optional.ofNullable(qrels).map(f -> QrelsFiles.read(base.resolve(f)))));
    }

    /** {@code <i8} labels as ints: class numbers, which must fit. */
    private static int[] intLabels(Path file, long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i]) {
                throw BadInputException.in(file, "row " + i + ": label " + values[i] + " is beyond the 32-bit class numbers labels are");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    private static List<String> ids(Path base, String file, long rows) {
        if (file == null) {
            return List.of();
        }
        Path path = base.resolve(file);
        FileKinds.requireRegularFile(path);
        try {
            MemoryBudget.requireHeap(MemoryBudget.bytes(Files.size(path), 3), path, "its ids");
            List<String> ids = Files.readAllLines(path).stream().filter(s -> !s.isBlank()).map(String::strip).toList();
            if (ids.size() != rows) {
                throw BadInputException.in(path, ids.size() + " ids for " + rows + " rows");
            }
            return ids;
        } catch (CharacterCodingException e) {
            throw BadInputException.in(path, "not valid UTF-8");
        } catch (IOException e) {
            throw BadInputException.in(path, "cannot read: " + FileKinds.reason(e));
        }
    }

    private static Dataset fromGolden(String name, GoldenCase c) {
        List<String> docIds = new ArrayList<>();
        List<String> queryIds = new ArrayList<>();
        for (int i = 0; i < c.corpus().length; i++) {
            docIds.add("d" + i);
        }
        for (int q = 0; q < c.queries().length; q++) {
            queryIds.add("q" + q);
        }
        Optional<Qrels> qrels = Optional.empty();
        if (c.labels() != null) {
            Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
            for (String line : c.qrels().split("\n")) {
                String[] f = line.split(" ");
                judged.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[2], Integer.parseInt(f[3]));
            }
            qrels = Optional.of(new Qrels(judged));
        }
        return new Dataset(
                new EmbeddingDataset(name, FloatEmbeddingBatch.of(c.corpus()), docIds, Optional.ofNullable(c.labels())),
                new QueryDataset(name, FloatEmbeddingBatch.of(c.queries()), queryIds, qrels));
    }
}
