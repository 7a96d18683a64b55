package io.binaryllm.benchmarks;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;
import io.binaryllm.metric.Cosine;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.runner.DatasetCatalog;
import io.binaryllm.search.BinaryIndex;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * {@link BinaryEmbeddingStore} as a langchain4j user meets it, against langchain4j's {@link InMemoryEmbeddingStore}
 * and against the backend's bare scan of the same codes: WordNet glosses (MiniLM vectors), cut to 100k or padded to
 * 1M with seeded noisy copies; the dataset's queries. Per store and size: add/s, p50/p99 latency of a top-10 search,
 * one and two client threads, recall@10 against exact float search, latency after one remove and after 10% removed,
 * interleaved add+search, save and load time with peak heap, and the store's heap. One markdown table to the file given.
 *
 * <p>Usage: {@code StoreComparison DATASET SIZES OUT} (sizes: comma-separated counts, or "all").
 */
public final class StoreComparison {
    private static final int K = 10;
    private static final int RESCORE = 4;
    private static final int WARMUP = 100;

    private StoreComparison() {
    }

    record Row(String store, String size, double addPerSecond, double p50, double p99, double bareP50, double qps1, double qps2,
               double recall, double p50AfterOne, double p50After10pc, double interleaved, double saveSeconds, double loadSeconds,
               double peakSaveMiB, double peakLoadMiB, double heapMiB) {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        List<String> sizes = List.of(args[1].split(","));
        Path out = Path.of(args[2]);
        int queryCount = Integer.parseInt(System.getProperty("store.queries", "500"));
        float[][] base;
        float[][] queries;
        try (Dataset data = DatasetCatalog.find(name).orElseThrow(() -> new IllegalArgumentException("unknown dataset " + name)).load().get()) {
            base = rows(data.corpus().vectors());
            queries = Arrays.copyOf(rows(data.queries().vectors()), (int) Math.min(queryCount, data.queries().vectors().rows()));
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# langchain4j stores on %s (%d base vectors of %d dims, %d queries, top-%d, rescore x%d)%n%n",
                name, base.length, base[0].length, queries.length, K, RESCORE));
        md.append("| store | entries | add/s | p50 ms | p99 ms | bare scan p50 ms | p50 / bare | 1 thread q/s | 2 threads q/s | 2t / 1t | recall@10 | p50 after 1 remove | p50 after 10% removed | add+search ms | save s | load s | save peak heap MiB | load peak heap MiB | store heap MiB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String size : sizes) {
            int n = size.equals("all") ? base.length : Integer.parseInt(size);
            float[][] corpus = pad(base, n);
            long[][] exact = exactTop(corpus, queries);
            List<Row> rows = new ArrayList<>();
            for (String config : System.getProperty("store.configs", "sign,osq-1,osq-2").split(",")) {
                rows.add(binary(config, corpus, queries, exact, out.getParent()));
                System.out.println(rows.getLast());
            }
            if (!Boolean.parseBoolean(System.getProperty("store.skipInMemory", "false"))) {
                rows.add(inMemory(corpus, queries, n >= 500_000 ? 20 : 100));
                System.out.println(rows.getLast());
            }
            for (Row r : rows) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.2f | %s | %s | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
                        r.store(), r.size(), r.addPerSecond(), r.p50(), r.p99(), f(r.bareP50()), f(r.p50() / r.bareP50()), r.qps1(), f0(r.qps2()),
                        f(r.qps2() / r.qps1()), f3(r.recall()), f(r.p50AfterOne()), f(r.p50After10pc()), f(r.interleaved()),
                        f(r.saveSeconds()), f(r.loadSeconds()), f0(r.peakSaveMiB()), f0(r.peakLoadMiB()), r.heapMiB()));
            }
            Files.writeString(out, md.toString());
        }
        System.out.println(md);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static float[][] rows(FloatEmbeddingBatch b) {
        float[][] out = new float[(int) b.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.row(i);
        }
        return out;
    }

    /** The first n base vectors, or all of them followed by seeded noisy copies ({@link #padded}). */
    static float[][] pad(float[][] base, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = i < base.length ? base[i] : padded(base, i);
        }
        return out;
    }

    /** Row i beyond the base: a base row chosen and perturbed by seed i, back to unit length (like MiniLM's). */
    static float[] padded(float[][] base, int i) {
        SplittableRandom r = new SplittableRandom(i);
        float[] src = base[r.nextInt(base.length)];
        float[] v = new float[src.length];
        double norm = 0;
        for (int j = 0; j < v.length; j++) {
            v[j] = src[j] + (float) (0.04 * r.nextGaussian());
            norm += (double) v[j] * v[j];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < v.length; j++) {
            v[j] *= inv;
        }
        return v;
    }

    private static long[][] exactTop(float[][] corpus, float[][] queries) {
        int d = corpus[0].length;
        float[] flat = new float[Math.multiplyExact(corpus.length, d)];
        for (int i = 0; i < corpus.length; i++) {
            System.arraycopy(corpus[i], 0, flat, i * d, d);
        }
        float[] q = new float[queries.length * d];
        for (int i = 0; i < queries.length; i++) {
            System.arraycopy(queries[i], 0, q, i * d, d);
        }
        try (FloatEmbeddingBatch c = FloatEmbeddingBatch.ofFlat(flat, corpus.length, d, "corpus");
             FloatEmbeddingBatch qs = FloatEmbeddingBatch.ofFlat(q, queries.length, d, "queries")) {
            return Cosine.topK(c, qs, K);
        }
    }

    private static List<Embedding> embeddings(float[][] rows) {
        return Arrays.stream(rows).map(Embedding::from).toList();
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    static EmbeddingSearchRequest request(float[] q) {
        return EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(q)).maxResults(K).build();
    }

    private static Row binary(String config, float[][] corpus, float[][] queries, long[][] exact, Path scratch) throws Exception {
        String binarizer = config.startsWith("osq") ? "osq" : config;
        BinaryEmbeddingStore.Builder builder = BinaryEmbeddingStore.builder().binarizer(binarizer).rescoreFactor(RESCORE).directory(scratch);
        if (binarizer.equals("osq")) {
            builder.bits(Integer.parseInt(config.substring(4)));
        }
        List<String> ids = ids(corpus.length);
        List<Embedding> vectors = embeddings(corpus);
        long heapBefore = usedHeap();
        BinaryEmbeddingStore store = builder.build();
        long t0 = System.nanoTime();
        for (int from = 0; from < corpus.length; from += 10_000) {
            int to = Math.min(corpus.length, from + 10_000);
            store.addAll(ids.subList(from, to), vectors.subList(from, to), null);
        }
        double addPerSecond = corpus.length / ((System.nanoTime() - t0) / 1e9);
        double heap = (usedHeap() - heapBefore) / 1048576.0;
        double[] lat = latencies(store, queries);
        double recall = recall(store, queries, exact);
        double bare = bareScan(config, store.backendName(), corpus, queries);
        double qps1 = throughput(store, queries, 1);
        double qps2 = throughput(store, queries, 2);
        store.remove("1");
        double afterOne = percentile(latencies(store, queries), 50);
        List<String> tenth = new ArrayList<>();
        for (int i = 0; i < corpus.length; i += 10) {
            tenth.add(ids.get(i));
        }
        store.removeAll(tenth);
        double after10 = percentile(latencies(store, queries), 50);
        long t1 = System.nanoTime();
        for (int i = 0; i < 200; i++) { // interleaved: each add is followed by a search
            store.add("x" + i, vectors.get(i * 7 % vectors.size()));
            store.search(request(queries[i % queries.length]));
        }
        double interleaved = (System.nanoTime() - t1) / 1e6 / 200;
        Path saved = scratch.resolve("saved-" + config + "-" + corpus.length + "-" + System.nanoTime());
        double[] save = peak(() -> store.save(saved));
        store.close();
        vectors = null;
        BinaryEmbeddingStore[] loaded = new BinaryEmbeddingStore[1];
        double[] load = peak(() -> loaded[0] = BinaryEmbeddingStore.builder().directory(scratch).load(saved));
        loaded[0].close();
        deleteTree(saved);
        return new Row(store.backendName() + " " + config, Integer.toString(corpus.length), addPerSecond,
                percentile(lat, 50), percentile(lat, 99), bare, qps1, qps2, recall, afterOne, after10, interleaved,
                save[0], load[0], save[1], load[1], heap);
    }

    /** The backend's own search of the same codes for the store's candidates (top-40), no store around it. */
    private static double bareScan(String config, String backend, float[][] corpus, float[][] queries) {
        int d = corpus[0].length;
        float[] flat = new float[Math.multiplyExact(corpus.length, d)];
        for (int i = 0; i < corpus.length; i++) {
            System.arraycopy(corpus[i], 0, flat, i * d, d);
        }
        double[] ms = new double[queries.length];
        try (BinaryEngine engine = BinaryEngine.builder().backend(backend).build();
             FloatEmbeddingBatch c = FloatEmbeddingBatch.ofFlat(flat, corpus.length, d, "corpus")) {
            if (config.equals("sign")) {
                try (Binarized codes = engine.encode(engine.binarizer("sign", null), c); BinaryIndex<BinaryCodeBatch> index = engine.index(codes.codes())) {
                    timeEach(queries, ms, qi -> {
                        try (FloatEmbeddingBatch q = FloatEmbeddingBatch.of(new float[][]{queries[qi]});
                             Binarized qc = engine.encode(engine.binarizer("sign", null), q)) {
                            index.search(qc.codes(), K * RESCORE);
                        }
                    });
                }
            } else {
                float[][] sample = Arrays.copyOf(corpus, BinaryEmbeddingStore.OSQ_FIT_ENTRIES);
                OsqQuantizer quantizer;
                try (FloatEmbeddingBatch s = FloatEmbeddingBatch.of(sample)) {
                    quantizer = OsqQuantizer.fit(s, Integer.parseInt(config.substring(4)));
                }
                try (OsqCodes db = quantizer.encodeDocuments(c); BinaryIndex<OsqCodes> index = engine.index(db)) {
                    timeEach(queries, ms, qi -> {
                        try (FloatEmbeddingBatch q = FloatEmbeddingBatch.of(new float[][]{queries[qi]}); OsqCodes qc = quantizer.encodeQueries(q, 4)) {
                            index.search(qc, K * RESCORE);
                        }
                    });
                }
            }
        }
        return percentile(ms, 50);
    }

    /** Every query once untimed (the JIT compiles the whole path, the page cache holds the vectors), then timed. */
    private static void timeEach(float[][] queries, double[] ms, IntConsumer search) {
        for (int i = 0; i < Math.max(WARMUP, queries.length); i++) {
            search.accept(i % queries.length);
        }
        for (int qi = 0; qi < queries.length; qi++) {
            long t = System.nanoTime();
            search.accept(qi);
            ms[qi] = (System.nanoTime() - t) / 1e6;
        }
    }

    private static Row inMemory(float[][] corpus, float[][] queries, int timed) {
        long heapBefore = usedHeap();
        InMemoryEmbeddingStore<Object> store = new InMemoryEmbeddingStore<>();
        List<Embedding> vectors = embeddings(corpus);
        long t0 = System.nanoTime();
        store.addAll(vectors);
        double addPerSecond = corpus.length / ((System.nanoTime() - t0) / 1e9);
        double heap = (usedHeap() - heapBefore) / 1048576.0;
        float[][] some = Arrays.copyOf(queries, timed);
        double[] lat = new double[timed];
        store.search(request(some[0]));
        for (int qi = 0; qi < timed; qi++) {
            long t = System.nanoTime();
            store.search(request(some[qi]));
            lat[qi] = (System.nanoTime() - t) / 1e6;
        }
        return new Row("langchain4j InMemoryEmbeddingStore", Integer.toString(corpus.length), addPerSecond, percentile(lat, 50),
                percentile(lat, 99), Double.NaN, 1000 / mean(lat), Double.NaN, 1.0, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, heap);
    }

    private static double[] latencies(EmbeddingStore<?> store, float[][] queries) {
        double[] ms = new double[queries.length];
        timeEach(queries, ms, qi -> store.search(request(queries[qi])));
        return ms;
    }

    private static double recall(BinaryEmbeddingStore store, float[][] queries, long[][] exact) {
        double hits = 0;
        for (int qi = 0; qi < queries.length; qi++) {
            long[] truth = exact[qi];
            for (var m : store.search(request(queries[qi])).matches()) {
                long id = Long.parseLong(m.embeddingId());
                for (long t : truth) {
                    if (t == id) {
                        hits++;
                        break;
                    }
                }
            }
        }
        return hits / (queries.length * (double) K);
    }

    /** Searches for three seconds from {@code clients} threads at once: queries a second in all. */
    static double throughput(BinaryEmbeddingStore store, float[][] queries, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            long t0 = System.nanoTime();
            long end = t0 + 3_000_000_000L;
            for (int c = 0; c < clients; c++) {
                int offset = c;
                counts.add(pool.submit(() -> {
                    int done = 0;
                    while (System.nanoTime() < end) {
                        store.search(request(queries[(offset + done * clients) % queries.length]));
                        done++;
                    }
                    return done;
                }));
            }
            int total = 0;
            for (Future<Integer> f : counts) {
                total += f.get();
            }
            return total / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Seconds {@code action} took and the heap it used at its peak beyond what was in use before (MiB). */
    private static double[] peak(Runnable action) {
        long before = usedHeap();
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t = System.nanoTime();
        action.run();
        double seconds = (System.nanoTime() - t) / 1e9;
        long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new double[]{seconds, Math.max(0, peak - before) / 1048576.0};
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double percentile(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
