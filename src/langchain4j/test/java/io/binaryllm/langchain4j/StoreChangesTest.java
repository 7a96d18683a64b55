package io.binaryllm.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Searches after any mix of adds, re-adds, removals and filters: the store is laid out differently inside (a main
 * index, a delta of recent adds, removed rows skipped, rebuilds now and then), and the answer must never show it.
 * Oracles: a store saved and loaded back (the surviving entries in the same order, in a store that never changed), and,
 * for Hamming ranking, a brute-force sort of the sign codes.
 */
class StoreChangesTest {
    @TempDir
    Path dir;

    /** Tie-heavy 13-dimensional vectors: few levels, so many entries share a sign code. */
    private static float[] vector(SplittableRandom r, int dims) {
        float[] v = new float[dims];
        for (int j = 0; j < dims; j++) {
            v[j] = (r.nextInt(5) - 2) + (float) r.nextDouble(0.1);
        }
        return v;
    }

    private record Entry(String id, float[] vector, int group) {
    }

    private static List<String> answer(BinaryEmbeddingStore store, float[] q, int k, Filter filter) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(q)).maxResults(k).filter(filter).build())
                .matches().stream().map(m -> m.embeddingId() + "@" + m.score()).toList();
    }

    private static int hamming(float[] a, float[] b) {
        int h = 0;
        for (int j = 0; j < a.length; j++) {
            h += (a[j] > 0) != (b[j] > 0) ? 1 : 0;
        }
        return h;
    }

    /** Sign codes ranked by (Hamming distance, insertion order), scored as the store scores them without rescoring. */
    private static List<String> hammingOracle(List<Entry> survivors, float[] q, int k, int group) {
        return survivors.stream().filter(e -> group < 0 || e.group() == group)
                .sorted(Comparator.comparingInt((Entry e) -> hamming(q, e.vector())).thenComparingInt(survivors::indexOf))
                .limit(k).map(e -> e.id() + "@" + RelevanceScore.fromCosineSimilarity(Math.cos(Math.PI * hamming(q, e.vector()) / q.length)))
                .toList();
    }

    private BinaryEmbeddingStore.Builder builder(String binarizer, int rescore) {
        return BinaryEmbeddingStore.builder().binarizer(binarizer).rescoreFactor(rescore).directory(dir);
    }

    private static void addAll(BinaryEmbeddingStore store, List<Entry> entries) {
        store.addAll(entries.stream().map(Entry::id).toList(), entries.stream().map(e -> Embedding.from(e.vector())).toList(),
                entries.stream().map(e -> TextSegment.from(e.id(), new Metadata().put("group", e.group()))).toList());
    }

    @ParameterizedTest(name = "{0}, rescore x{1}")
    @CsvSource({"sign, 0", "sign, 4", "osq, 4", "osq, 0"})
    void searchesAfterAnyMixOfChangesEqualAStoreBuiltFromTheSurvivors(String binarizer, int rescore) {
        SplittableRandom r = new SplittableRandom(42);
        int dims = 13;
        Map<String, Entry> survivors = new LinkedHashMap<>(); // insertion order = the store's slot order
        int checkpoints = 0;
        try (BinaryEmbeddingStore store = builder(binarizer, rescore).build()) {
            for (int step = 0; step < 60; step++) {
                int op = r.nextInt(10);
                if (op < 6) { // a batch of adds, a tenth of them re-using a surviving id (a replacement)
                    List<Entry> batch = new ArrayList<>();
                    List<String> alive = new ArrayList<>(survivors.keySet());
                    for (int i = r.nextInt(1, 700); i > 0; i--) {
                        String id = !alive.isEmpty() && r.nextInt(10) == 0 ? alive.get(r.nextInt(alive.size())) : "e" + step + "-" + i;
                        batch.add(new Entry(id, vector(r, dims), r.nextInt(4)));
                    }
                    addAll(store, batch);
                    for (Entry e : batch) {
                        survivors.remove(e.id());
                        survivors.put(e.id(), e);
                    }
                } else if (op < 8 && !survivors.isEmpty()) { // remove a few ids, one a call
                    List<String> alive = new ArrayList<>(survivors.keySet());
                    for (int i = r.nextInt(1, 40); i > 0; i--) {
                        String id = alive.get(r.nextInt(alive.size()));
                        store.remove(id);
                        survivors.remove(id);
                    }
                } else if (op == 8) { // a filter removes a whole group: a quarter of the store
                    int group = r.nextInt(4);
                    store.removeAll(metadataKey("group").isEqualTo(group));
                    survivors.values().removeIf(e -> e.group() == group);
                } else if (!survivors.isEmpty()) {
                    checkpoints++;
                    List<Entry> live = new ArrayList<>(survivors.values());
                    assertThat(store.size()).isEqualTo(live.size());
                    // Saved and loaded: the survivors in order, in a store that never saw a change (and, for osq, with
                    // the same centroid: fitted on the first entries the store held, which may since have gone).
                    Path saved = dir.resolve("saved-" + step);
                    store.save(saved);
                    try (BinaryEmbeddingStore fresh = builder(binarizer, rescore).load(saved)) {
                        for (int qi = 0; qi < 12; qi++) {
                            float[] q = vector(r, dims);
                            int k = qi == 0 ? live.size() : qi % 3 == 0 ? 1 : r.nextInt(1, 60);
                            int group = r.nextInt(4);
                            Filter filter = qi % 2 == 0 ? null : metadataKey("group").isEqualTo(group);
                            List<String> got = answer(store, q, k, filter);
                            assertThat(got).as("step %d query %d k %d", step, qi, k).isEqualTo(answer(fresh, q, k, filter));
                            if (binarizer.equals("sign") && rescore == 0) {
                                assertThat(got).isEqualTo(hammingOracle(live, q, k, filter == null ? -1 : group));
                            }
                        }
                    }
                }
            }
        }
        assertThat(checkpoints).isGreaterThan(3);
    }

    /**
     * Two writers churn entries of their own while two readers search: a filtered search over a stable set must
     * always give the stable set's answer, and an unfiltered search for a stable vector must find it; at the end the
     * store equals one built from the survivors.
     */
    @Test
    void concurrentChangesNeverDisturbAConcurrentSearch() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        int dims = 64;
        List<Entry> stable = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            float[] v = new float[dims];
            for (int j = 0; j < dims; j++) {
                v[j] = (float) r.nextGaussian();
            }
            stable.add(new Entry("s" + i, v, 0));
        }
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            queries.add(stable.get(r.nextInt(stable.size())).vector());
        }
        Filter onlyStable = metadataKey("group").isEqualTo(0);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (BinaryEmbeddingStore store = builder("sign", 2).build(); BinaryEmbeddingStore reference = builder("sign", 2).build()) {
            addAll(store, stable);
            addAll(reference, stable);
            List<List<String>> expected = queries.stream().map(q -> answer(reference, q, 10, null)).toList();
            Map<String, Entry> churn = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 1; w <= 2; w++) {
                int writer = w;
                writers.add(threads.submit(() -> {
                    SplittableRandom mine = new SplittableRandom(writer);
                    List<String> owned = new ArrayList<>();
                    for (int step = 0; step < 400; step++) {
                        if (owned.isEmpty() || mine.nextInt(3) > 0) {
                            List<Entry> batch = new ArrayList<>();
                            for (int i = mine.nextInt(1, 60); i > 0; i--) {
                                float[] v = new float[dims];
                                for (int j = 0; j < dims; j++) {
                                    v[j] = (float) mine.nextGaussian();
                                }
                                batch.add(new Entry("w" + writer + "-" + step + "-" + i, v, writer));
                            }
                            addAll(store, batch);
                            batch.forEach(e -> {
                                owned.add(e.id());
                                churn.put(e.id(), e);
                            });
                        } else {
                            String id = owned.remove(mine.nextInt(owned.size()));
                            store.remove(id);
                            churn.remove(id);
                        }
                    }
                    return null;
                }));
            }
            List<Future<Integer>> readers = new ArrayList<>();
            for (int reader = 0; reader < 2; reader++) {
                readers.add(threads.submit(() -> {
                    int searches = 0;
                    while (writing.get() || searches < 50) {
                        int qi = searches % queries.size();
                        assertThat(answer(store, queries.get(qi), 10, onlyStable)).isEqualTo(expected.get(qi));
                        EmbeddingMatch<TextSegment> top = store.search(EmbeddingSearchRequest.builder()
                                .queryEmbedding(Embedding.from(queries.get(qi))).maxResults(1).build()).matches().getFirst();
                        assertThat(top.embedded().text()).isEqualTo(expected.get(qi).getFirst().split("@")[0]);
                        searches++;
                    }
                    return searches;
                }));
            }
            for (Future<?> w : writers) {
                w.get();
            }
            writing.set(false);
            for (Future<Integer> reader : readers) {
                assertThat(reader.get()).isGreaterThanOrEqualTo(50);
            }
            // Survivors in insertion order are not known across two writers; the set and each search's answer are.
            assertThat(store.size()).isEqualTo(stable.size() + churn.size());
            try (BinaryEmbeddingStore fresh = builder("sign", 2).build()) {
                addAll(fresh, stable);
                for (Filter f : List.of(metadataKey("group").isEqualTo(1), metadataKey("group").isEqualTo(2))) {
                    List<Entry> group = churn.values().stream().filter(e -> f.test(new Metadata().put("group", e.group()))).toList();
                    assertThat(answer(store, queries.getFirst(), 100_000, f)).hasSize(group.size());
                }
                for (float[] q : queries) {
                    assertThat(answer(store, q, 10, onlyStable)).isEqualTo(answer(fresh, q, 10, null));
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Once removed slots outnumber the live ones, the live entries are renumbered into a new scratch file: nothing
     * grows without bound under churn, and no answer changes (ranks, scores, tie order).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"sign", "osq"})
    void removedSlotsAreCompactedAwayWithoutChangingAnswers(String binarizer) {
        SplittableRandom r = new SplittableRandom(9);
        int dims = 13;
        try (BinaryEmbeddingStore store = builder(binarizer, 3).build()) {
            for (int round = 0; round < 3; round++) {
                List<Entry> batch = new ArrayList<>();
                for (int i = 0; i < 6000; i++) { // every round re-adds ids of the last: replacements leave dead slots too
                    batch.add(new Entry("e" + (round * 3000 + i), vector(r, dims), r.nextInt(4)));
                }
                addAll(store, batch);
                List<String> drop = new ArrayList<>();
                for (int i = 0; i < 6000; i++) {
                    if (i % 6 != 0) {
                        drop.add("e" + (round * 3000 + i));
                    }
                }
                store.removeAll(drop);
                assertThat(store.slots()).as("round %d", round).isLessThanOrEqualTo(store.size() + BinaryEmbeddingStore.COMPACT_MIN);
                Path saved = dir.resolve("compacted-" + binarizer + "-" + round);
                store.save(saved);
                try (BinaryEmbeddingStore fresh = builder(binarizer, 3).load(saved)) {
                    for (int qi = 0; qi < 10; qi++) {
                        float[] q = vector(r, dims);
                        Filter filter = qi % 2 == 0 ? null : metadataKey("group").isEqualTo(qi % 4);
                        int k = qi == 0 ? store.size() : 1 + qi * 7;
                        assertThat(answer(store, q, k, filter)).isEqualTo(answer(fresh, q, k, filter));
                    }
                }
            }
        }
    }

    /**
     * Concurrent searches of the main part are served by shared scans (one scan, every waiting query): six clients
     * searching at once with different k, with and without filters, each get exactly the answer a lone search gets.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"sign", "osq"})
    void sharedScansGiveEachClientItsOwnAnswer(String binarizer) throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        int dims = 13;
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            entries.add(new Entry("e" + i, vector(r, dims), r.nextInt(4)));
        }
        List<float[]> queries = new ArrayList<>();
        List<Integer> ks = new ArrayList<>();
        List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            queries.add(vector(r, dims));
            ks.add(i % 5 == 0 ? 1 : r.nextInt(1, 300));
            filters.add(i % 3 == 0 ? metadataKey("group").isEqualTo(i % 4) : null);
        }
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try (BinaryEmbeddingStore store = builder(binarizer, 2).build()) {
            addAll(store, entries);
            List<List<String>> alone = new ArrayList<>();
            for (int i = 0; i < queries.size(); i++) {
                alone.add(answer(store, queries.get(i), ks.get(i), filters.get(i)));
            }
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                int first = c;
                runs.add(clients.submit(() -> {
                    for (int n = 0; n < 120; n++) {
                        int i = (first * 7 + n) % queries.size();
                        assertThat(answer(store, queries.get(i), ks.get(i), filters.get(i))).as("query %d", i).isEqualTo(alone.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
