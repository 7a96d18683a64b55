package io.binaryllm.benchmarks;

import dev.langchain4j.data.embedding.Embedding;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;
import io.binaryllm.runner.DatasetCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@link BinaryEmbeddingStore} at a size whose vectors do not fit the heap (10M x 384 floats = 15 GB): vectors are
 * made a batch at a time (WordNet glosses padded with seeded noisy copies, as {@link StoreComparison} does) and
 * streamed into the store, so the run proves the store's own heap, under whatever {@code -Xmx} it is given. Measures
 * add/s, heap in use after the adds, p50/p99 of a top-10 search, 1 and 2 client threads, p50 after 10% removed, and
 * save and load times; recall@10 against exact float search for the first queries, computed while streaming.
 *
 * <p>Usage: {@code StoreScale DATASET ENTRIES BINARIZER BITS OUT_DIR}.
 */
public final class StoreScale {
    private static final int K = 10;
    private static final int BATCH = 10_000;

    private StoreScale() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int n = Integer.parseInt(args[1]);
        String binarizer = args[2];
        int bits = Integer.parseInt(args[3]);
        Path dir = Path.of(args[4]);
        int recallQueries = Integer.parseInt(System.getProperty("store.recallQueries", "50"));
        float[][] base;
        float[][] queries;
        try (Dataset data = DatasetCatalog.find(name).orElseThrow(() -> new IllegalArgumentException("unknown dataset " + name)).load().get()) {
            FloatEmbeddingBatch c = data.corpus().vectors();
            base = new float[(int) c.rows()][];
            for (int i = 0; i < base.length; i++) {
                base[i] = c.row(i);
            }
            FloatEmbeddingBatch q = data.queries().vectors();
            queries = new float[(int) Math.min(500, q.rows())][];
            for (int i = 0; i < queries.length; i++) {
                queries[i] = q.row(i);
            }
        }
        Files.createDirectories(dir);
        BinaryEmbeddingStore.Builder builder = BinaryEmbeddingStore.builder().binarizer(binarizer).directory(dir);
        if (binarizer.equals("osq")) {
            builder.bitsPerDimension(bits);
        } else if (!binarizer.equals("sign")) {
            builder.bits(bits);
        }
        // Exact top-10 of the first queries, kept as the vectors stream past: (cosine, row) per query.
        double[][] bestScore = new double[recallQueries][K];
        long[][] bestRow = new long[recallQueries][K];
        for (double[] b : bestScore) {
            Arrays.fill(b, Double.NEGATIVE_INFINITY);
        }
        long t0 = System.nanoTime();
        BinaryEmbeddingStore store = builder.build();
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            List<String> ids = new ArrayList<>(to - from);
            List<Embedding> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                float[] v = i < base.length ? base[i] : StoreComparison.padded(base, i);
                ids.add(Integer.toString(i));
                batch.add(Embedding.from(v));
                for (int qi = 0; qi < recallQueries; qi++) {
                    double cos = cosine(queries[qi], v);
                    if (cos > bestScore[qi][K - 1]) {
                        int at = K - 1;
                        while (at > 0 && bestScore[qi][at - 1] < cos) {
                            bestScore[qi][at] = bestScore[qi][at - 1];
                            bestRow[qi][at] = bestRow[qi][at - 1];
                            at--;
                        }
                        bestScore[qi][at] = cos;
                        bestRow[qi][at] = i;
                    }
                }
            }
            store.addAll(ids, batch, null);
        }
        double addSeconds = (System.nanoTime() - t0) / 1e9;
        long heap = usedHeap();
        double[] lat = latencies(store, queries);
        double recall = 0;
        for (int qi = 0; qi < recallQueries; qi++) {
            for (var m : store.search(StoreComparison.request(queries[qi])).matches()) {
                long id = Long.parseLong(m.embeddingId());
                for (long t : bestRow[qi]) {
                    recall += t == id ? 1 : 0;
                }
            }
        }
        recall /= recallQueries * (double) K;
        double qps1 = StoreComparison.throughput(store, queries, 1);
        double qps2 = StoreComparison.throughput(store, queries, 2);
        List<String> tenth = new ArrayList<>();
        for (int i = 0; i < n; i += 10) {
            tenth.add(Integer.toString(i));
        }
        long tr = System.nanoTime();
        store.removeAll(tenth);
        double removeSeconds = (System.nanoTime() - tr) / 1e9;
        tenth = null;
        double[] after = latencies(store, queries);
        Path saved = dir.resolve("saved-" + System.nanoTime());
        long ts = System.nanoTime();
        store.save(saved);
        double saveSeconds = (System.nanoTime() - ts) / 1e9;
        int size = store.size();
        store.close();
        long tl = System.nanoTime();
        BinaryEmbeddingStore loaded = BinaryEmbeddingStore.builder().directory(dir).load(saved);
        double loadSeconds = (System.nanoTime() - tl) / 1e9;
        double[] reloaded = latencies(loaded, queries);
        loaded.close();
        long files;
        try (var s = Files.walk(saved)) {
            files = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        try (var s = Files.walk(saved)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        System.out.printf(Locale.ROOT, "| %s%s | %,d | -Xmx%s | %,.0f | %.0f | %.2f | %.2f | %,.0f | %,.0f | %.2f | %.3f | %.2f (%.1f s) | %.1f | %.1f | %.2f | %,d | %.1f |%n",
                binarizer, binarizer.equals("sign") ? "" : "-" + bits, n, maxHeap(), n / addSeconds, heap / 1048576.0,
                StoreComparison.percentile(lat, 50), StoreComparison.percentile(lat, 99), qps1, qps2, qps2 / qps1, recall, StoreComparison.percentile(after, 50), removeSeconds, saveSeconds, loadSeconds,
                StoreComparison.percentile(reloaded, 50), size, files / 1e9);
    }

    private static String maxHeap() {
        return (Runtime.getRuntime().maxMemory() >> 20) + "m";
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += (double) a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double[] latencies(BinaryEmbeddingStore store, float[][] queries) {
        for (int i = 0; i < 50; i++) {
            store.search(StoreComparison.request(queries[i % queries.length]));
        }
        double[] ms = new double[queries.length];
        for (int qi = 0; qi < queries.length; qi++) {
            long t = System.nanoTime();
            store.search(StoreComparison.request(queries[qi]));
            ms[qi] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }
}
