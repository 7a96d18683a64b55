package io.binaryllm.runner.internal.datasets;

import io.binaryllm.BadInputException;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.EmbeddingDataset;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.QueryDataset;
import io.binaryllm.internal.io.Sha256;
import io.binaryllm.langchain4j.embed.EmbeddingCache;
import io.binaryllm.langchain4j.embed.EmbeddingJob;
import io.binaryllm.langchain4j.embed.TextEmbedder;
import io.binaryllm.langchain4j.embed.TextEmbedders;
import io.binaryllm.runner.Progress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real text corpus no one here wrote: WordNet 3.0's definitions (Princeton University; WordNet 3.0 licence,
 * BSD-like), embedded with all-MiniLM-L6-v2.
 * <ul>
 *   <li>Documents: the definitions of {@code documents} synsets, sampled from all 117,659 (nouns, verbs, adjectives,
 *       adverbs) by the SHA-256 of their keys: a fixed sample, the same on every machine.</li>
 *   <li>Labels: the synset's lexicographer file, 45 classes such as noun.animal, noun.food, verb.motion.</li>
 *   <li>Queries: for the first {@code queries} sampled synsets, their words ("dog, domestic dog, Canis
 *       familiaris"), and the one relevant document is that synset's definition: dictionary lookup by meaning,
 *       since a definition seldom contains its own words.</li>
 * </ul>
 * Ids are the synset keys ({@code n02084071}) and {@code q:<key>}. Vectors come from the embedding cache after the
 * first build.
 */
public record WordNetGlosses(int documents, int queries) {
    /** Synsets with a definition in WordNet 3.0 (checked against Debian's files by a test). */
    public static final int ALL_SYNSETS = 117_659;

    public WordNetGlosses {
        if (queries > documents) {
            throw new IllegalArgumentException("more queries than documents");
        }
    }

    /** The texts of the dataset before embedding: the part that depends only on the WordNet files. */
    public record Texts(List<String> docIds, List<String> docs, int[] labels, List<String> queryIds, List<String> queryTexts,
                        Qrels qrels) {
    }

    public Texts texts(Path wordnetDir) {
        List<WordNet.Synset> all = new ArrayList<>(WordNet.read(wordnetDir));
        if (all.size() < documents) {
            throw new BadInputException(wordnetDir + ": " + all.size() + " synsets, fewer than the " + documents + " asked for");
        }
        Map<String, String> rank = new HashMap<>();
        for (WordNet.Synset s : all) {
            rank.put(s.key(), Sha256.hex(("wordnet/" + s.key()).getBytes(StandardCharsets.UTF_8)));
        }
        all.sort(Comparator.comparing((WordNet.Synset s) -> rank.get(s.key())));
        List<WordNet.Synset> sample = all.subList(0, documents);
        List<String> docIds = new ArrayList<>(documents);
        List<String> docs = new ArrayList<>(documents);
        int[] labels = new int[documents];
        for (int i = 0; i < documents; i++) {
            docIds.add(sample.get(i).key());
            docs.add(sample.get(i).definition());
            labels[i] = sample.get(i).lexFile();
        }
        List<String> queryIds = new ArrayList<>(queries);
        List<String> queryTexts = new ArrayList<>(queries);
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        for (int q = 0; q < queries; q++) {
            WordNet.Synset s = sample.get(q);
            queryIds.add("q:" + s.key());
            queryTexts.add(String.join(", ", s.words()));
            judged.put("q:" + s.key(), Map.of(s.key(), 1));
        }
        return new Texts(docIds, docs, labels, queryIds, queryTexts, new Qrels(judged));
    }

    /** Reads WordNet, embeds (through the cache in {@code cacheDir}) and returns the dataset. */
    public Dataset load(String name, Path wordnetDir, Path cacheDir) {
        Texts t = texts(wordnetDir);
        try (TextEmbedder model = TextEmbedders.miniLm();
             EmbeddingCache cache = EmbeddingCache.open(cacheDir, model);
             Progress progress = new Progress("embed " + name, t.docs().size() + t.queryTexts().size())) {
            long missing = Stream.concat(t.docs().stream(), t.queryTexts().stream()).distinct()
                    .filter(s -> cache.get(s) == null).count();
            if (missing > 0) {
                System.getLogger(WordNetGlosses.class.getName()).log(System.Logger.Level.INFO, name + ": embedding "
                        + missing + " texts with " + model.name() + " (once: the vectors are cached in " + cache.file() + ")");
            }
            var docs = EmbeddingJob.run(t.docs(), model, cache, 64, name + " documents", progress::stepBy).vectors();
            var queries = EmbeddingJob.run(t.queryTexts(), model, cache, 64, name + " queries", progress::stepBy).vectors();
            return new Dataset(new EmbeddingDataset(name, docs, t.docIds(), Optional.of(t.labels())),
                    new QueryDataset(name, queries, t.queryIds(), Optional.of(t.qrels())));
        }
    }
}
