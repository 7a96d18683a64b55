package io.binaryllm.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.RelevanceScore;
import io.binaryllm.BadArgumentException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.metric.Cosine;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the contract tests cannot see: the binary shortlist, its exactness, backends, growth and clean-up. */
class BinaryEmbeddingStoreTest {
    @TempDir
    Path dir;

    /** Tie-heavy: few distinct sign patterns (values drawn from a handful of levels, dims not a multiple of 64). */
    private static List<Embedding> vectors(int n, int dims, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Embedding> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dims];
            for (int j = 0; j < dims; j++) {
                v[j] = (r.nextInt(5) - 2) + (float) r.nextDouble(0.1);
            }
            out.add(Embedding.from(v));
        }
        return out;
    }

    private static int hamming(float[] a, float[] b) {
        int h = 0;
        for (int j = 0; j < a.length; j++) {
            h += (a[j] > 0) != (b[j] > 0) ? 1 : 0;
        }
        return h;
    }

    /** The oracle: rows by sign-code Hamming distance to the query, ties by row. */
    private static List<Integer> hammingOrder(Embedding query, List<Embedding> data, int limit) {
        return IntStream.range(0, data.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> hamming(query.vector(), data.get(i).vector())).thenComparing(i -> i))
                .limit(limit).toList();
    }

    @Test
    void withoutRescoringMatchesAreTheExactHammingTopKInInsertionOrderOnTies() {
        List<Embedding> data = vectors(3000, 67, 1);
        Embedding query = vectors(1, 67, 2).getFirst();
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("sign").rescoreFactor(0).directory(dir).build()) {
            List<String> ids = store.addAll(data);
            for (int k : new int[]{1, 10, 3000}) {
                List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(k).build()).matches();
                List<Integer> expected = hammingOrder(query, data, k);
                assertThat(matches.stream().map(EmbeddingMatch::embeddingId).toList()).isEqualTo(expected.stream().map(ids::get).toList());
                for (int r = 0; r < k; r++) {
                    int h = hamming(query.vector(), data.get(expected.get(r)).vector());
                    assertThat(matches.get(r).score()).isEqualTo(RelevanceScore.fromCosineSimilarity(Math.cos(Math.PI * h / 67)));
                }
            }
        }
    }

    @Test
    void rescoringReRanksTheBinaryShortlistByExactCosine() {
        List<Embedding> data = vectors(2000, 130, 3);
        Embedding query = vectors(1, 130, 4).getFirst();
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("sign").rescoreFactor(3).directory(dir).build()) {
            List<String> ids = store.addAll(data);
            List<Integer> shortlist = hammingOrder(query, data, 30);
            List<Integer> expected = shortlist.stream()
                    .sorted(Comparator.comparingDouble((Integer i) -> -RelevanceScore.fromCosineSimilarity(Cosine.similarity(query.vector(), data.get(i).vector())))
                            .thenComparing(i -> i))
                    .limit(10).toList();
            var matches = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(10).build()).matches();
            assertThat(matches.stream().map(EmbeddingMatch::embeddingId).toList()).isEqualTo(expected.stream().map(ids::get).toList());
            assertThat(matches.getFirst().embedding()).isEqualTo(data.get(expected.getFirst()));
        }
    }

    static List<String> backends() {
        return SearchBackends.names();
    }

    /** The matches of 5 queries over 1,000 entries on {@code backend}, which must be available here. */
    private List<List<String>> matchesOn(String backend, List<Embedding> data, List<Embedding> queries) {
        Backends.open(backend).close(); // skipped (or failed in CI) where the backend cannot run
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("sign").backend(backend).directory(dir).build()) {
            store.addAll(IntStream.range(0, data.size()).mapToObj(i -> "id" + i).toList(), data, null);
            return queries.stream().map(q -> store.search(EmbeddingSearchRequest.builder().queryEmbedding(q)
                    .maxResults(25).build()).matches().stream().map(EmbeddingMatch::embeddingId).toList()).toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyBackendGivesTheReferencesMatches(String backend) {
        List<Embedding> data = vectors(1000, 64, 5);
        List<Embedding> queries = vectors(5, 64, 6);
        assertThat(matchesOn(backend, data, queries)).isEqualTo(matchesOn("reference", data, queries));
    }

    @Test
    void filtersApplyBeforeRankingAndReAddingAnIdReplacesIt() {
        List<Embedding> data = vectors(200, 32, 7);
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("sign").directory(dir).build()) {
            List<TextSegment> segments = IntStream.range(0, 200)
                    .mapToObj(i -> TextSegment.from("t" + i, new Metadata().put("parity", i % 2).put("n", i))).toList();
            store.addAll(IntStream.range(0, 200).mapToObj(i -> "id" + i).toList(), data, segments);
            var odd = store.search(EmbeddingSearchRequest.builder().queryEmbedding(data.get(4)).maxResults(150)
                    .filter(metadataKey("parity").isEqualTo(1)).build()).matches();
            assertThat(odd).hasSize(100).allSatisfy(m -> assertThat(m.embedded().metadata().getInteger("n") % 2).isEqualTo(1));

            store.add("id4", data.get(9));
            assertThat(store.size()).isEqualTo(200);
            var top = store.search(EmbeddingSearchRequest.builder().queryEmbedding(data.get(9)).maxResults(2).build()).matches();
            assertThat(top).extracting(EmbeddingMatch::embeddingId).containsExactly("id9", "id4"); // tie on score: insertion order
            assertThat(top.get(1).embedded()).isNull();
        }
    }

    /** The scratch file's name is gone as soon as it is open: nothing to leave behind, closed or not. */
    @Test
    void hyperplaneCodesWorkAndTheScratchFileIsNeverLeftInTheDirectory() throws Exception {
        BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("hyperplane").bits(97).seed(3).directory(dir).build();
        store.addAll(vectors(2500, 48, 8)); // past the first growth of the mapped file
        assertThat(store.search(EmbeddingSearchRequest.builder().queryEmbedding(vectors(1, 48, 9).getFirst()).maxResults(3).build())
                .matches()).hasSize(3);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).as("while open").isZero();
        }
        store.addAll(vectors(5000, 48, 10)); // grows again through the open channel
        assertThat(store.size()).isEqualTo(7500);
        store.close();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isZero();
        }
    }

    /**
     * The store keeps its whole-store index (laid out, or on a GPU) between searches: every change must make the next
     * search see it. Searched after each add, replacement, removal by id and by filter, and removeAll, on every
     * backend, each answer against the oracle over the live entries.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theKeptIndexFollowsEveryChange(String name) {
        List<Embedding> data = vectors(120, 67, 11);
        Embedding query = data.get(7);
        Backends.open(name).close(); // skipped (or failed in CI) where the backend cannot run
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("sign").backend(name).rescoreFactor(0).directory(dir).build()) {
            List<String> liveIds = new ArrayList<>();
            List<Embedding> liveVectors = new ArrayList<>();
            Consumer<String> check = (String step) -> {
                List<String> found = store.search(EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(10).build())
                        .matches().stream().map(EmbeddingMatch::embeddingId).toList();
                List<String> expected = hammingOrder(query, liveVectors, 10).stream().map(liveIds::get).toList();
                assertThat(found).as("%s after %s", name, step).isEqualTo(expected);
            };
            for (int i = 0; i < 60; i++) {
                store.add("e" + i, data.get(i));
                liveIds.add("e" + i);
                liveVectors.add(data.get(i));
            }
            check.accept("the first adds");
            check.accept("a second search on the same index");
            for (int i = 60; i < 120; i++) {
                store.add("e" + i, data.get(i));
                liveIds.add("e" + i);
                liveVectors.add(data.get(i));
            }
            check.accept("more adds");
            store.add("e7", data.get(100)); // replaces: e7 moves to a new slot with another vector
            int at = liveIds.indexOf("e7");
            liveIds.remove(at);
            liveVectors.remove(at);
            liveIds.add("e7");
            liveVectors.add(data.get(100));
            check.accept("a replacement");
            store.removeAll(List.of("e100", "e3"));
            for (String gone : List.of("e100", "e3")) {
                int g = liveIds.indexOf(gone);
                liveIds.remove(g);
                liveVectors.remove(g);
            }
            check.accept("removals by id");
            store.removeAll();
            liveIds.clear();
            liveVectors.clear();
            for (int i = 0; i < 30; i++) {
                store.add("f" + i, data.get(119 - i));
                liveIds.add("f" + i);
                liveVectors.add(data.get(119 - i));
            }
            check.accept("removeAll and new adds");
        }
    }

    /** bits is hyperplane's code length and bitsPerDimension osq's: each refused where it means nothing, naming itself. */
    @Test
    void aCodeLengthAndBitsADimensionAreTwoOptions() {
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().bits(2).directory(dir).build())
                .isInstanceOf(BadArgumentException.class).hasMessage("osq takes bitsPerDimension (1, 2 or 4), not a code length")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("bits");
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().binarizer("hyperplane").bitsPerDimension(2).directory(dir).build())
                .isInstanceOf(BadArgumentException.class).hasMessage("bits a dimension are osq's; hyperplane takes bits")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("bitsPerDimension");
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().bitsPerDimension(3).directory(dir).build())
                .isInstanceOf(BadArgumentException.class).hasMessage("osq takes 1, 2 or 4 bits a dimension, got 3");
        List<Embedding> data = vectors(1500, 40, 5);
        Path saved = dir.resolve("two-bits");
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().bitsPerDimension(2).directory(dir).build()) {
            store.addAll(data);
            store.save(saved);
        }
        try (BinaryEmbeddingStore loaded = BinaryEmbeddingStore.builder().directory(dir).load(saved)) {
            assertThat(loaded.size()).isEqualTo(1500);
            assertThat(loaded.search(EmbeddingSearchRequest.builder().queryEmbedding(data.get(3)).maxResults(1).build())
                    .matches().getFirst().embedding()).isEqualTo(data.get(3));
        }
    }

    /**
     * osq (the default): exact cosine while the store holds fewer than its fit; after, the osq score of a quantizer
     * fitted on the first entries (the oracle scores the same codes bit by bit), ties by insertion order.
     */
    @Test
    void osqRanksExactlyBeforeItsFitAndByTheQuantizersScoreAfter() {
        int dims = 70;
        List<Embedding> data = vectors(3000, dims, 31);
        List<Embedding> queries = vectors(5, dims, 32);
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().rescoreFactor(0).directory(dir).build()) {
            List<String> ids = new ArrayList<>(store.addAll(data.subList(0, 1000)));
            for (Embedding q : queries) {
                List<Double> scores = store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(7).build())
                        .matches().stream().map(EmbeddingMatch::score).toList();
                List<Double> exact = data.subList(0, 1000).stream()
                        .map(e -> RelevanceScore.fromCosineSimilarity(Cosine.similarity(q.vector(), e.vector())))
                        .sorted(Comparator.reverseOrder()).limit(7).toList();
                assertThat(scores).isEqualTo(exact);
            }
            ids.addAll(store.addAll(data.subList(1000, 3000)));
            float[][] first = data.subList(0, BinaryEmbeddingStore.OSQ_FIT_ENTRIES).stream().map(Embedding::vector).toArray(float[][]::new);
            float[][] all = data.stream().map(Embedding::vector).toArray(float[][]::new);
            try (FloatEmbeddingBatch sample = FloatEmbeddingBatch.of(first);
                 FloatEmbeddingBatch corpus = FloatEmbeddingBatch.of(all)) {
                OsqQuantizer quantizer = OsqQuantizer.fit(sample, 1);
                try (OsqCodes docs = quantizer.encodeDocuments(corpus)) {
                    for (Embedding q : queries) {
                        try (FloatEmbeddingBatch qb = FloatEmbeddingBatch.of(new float[][]{q.vector()});
                             OsqCodes qc = quantizer.encodeQueries(qb, 4)) {
                            SearchResult expected = OsqOracle.topK(docs, qc, 25);
                            List<EmbeddingMatch<TextSegment>> got = store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(25).build()).matches();
                            float[] scores = expected.scores();
                            for (int r = 0; r < 25; r++) {
                                int row = (int) expected.indices()[r];
                                assertThat(got.get(r).embeddingId()).isEqualTo(ids.get(row));
                                assertThat(got.get(r).score()).isEqualTo(RelevanceScore.fromCosineSimilarity(scores[r]));
                                assertThat(got.get(r).embedding()).isEqualTo(data.get(row));
                            }
                        }
                    }
                }
            }
        }
    }
}
