package io.binaryllm.benchmarks;

import io.binaryllm.binarize.SignBinarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.Dataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.metric.Cosine;
import io.binaryllm.metric.RetrievalMetrics;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.runner.DatasetCatalog;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104ScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lucene 10.6's BBQ against osq, in one run on the same vectors and thread count: Lucene's
 * {@code Lucene104ScalarQuantizedVectorsFormat} (flat: exact search, every document scored through the format's own
 * asymmetric scorer with {@code bulkScore}) at 1-, 2- and 4-bit encodings, with and without x4 float rescoring, and
 * osq at 1, 2 and 4 bits on each BinaryLLM backend available, plus sign codes' Hamming search as the speed floor.
 * For each: nDCG@10 and recall@10 against the dataset's judgments, their share of the float ranking's, and queries
 * per second (all queries; the best pass of at least three, more where passes are short, the first pass of Lucene's
 * a warm-up like ours). Lucene's top-k is by (score desc, doc asc), as ours.
 *
 * <p>{@code LuceneBbqComparison DATASET THREADS OUT.md}; run by {@code benchmarks/lucene-bbq.sh}.
 */
public final class LuceneBbqComparison {
    private static final int K = 10;
    private static final int RESCORE = 4;
    private static final String FIELD = "v";

    private LuceneBbqComparison() {
    }

    /** One measured configuration. */
    record Row(String system, String encoding, int bytesPerVector, double ndcg, double recall, double qps) {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int threads = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        try (Dataset data = DatasetCatalog.find(name).orElseThrow(() -> new IllegalArgumentException("unknown dataset " + name)).load().get()) {
            new LuceneBbqComparison.Run(data, threads).measure(name, out);
        }
    }

    private static final class Run {
        final FloatEmbeddingBatch corpus;
        final FloatEmbeddingBatch queries;
        final Dataset data;
        final int threads;
        final float[] flatCorpus;
        final double[] norms;
        final float[][] queryRows;
        final int dims;

        Run(Dataset data, int threads) {
            this.data = data;
            this.corpus = data.corpus().vectors();
            this.queries = data.queries().vectors();
            this.threads = threads;
            this.dims = corpus.dims();
            this.flatCorpus = corpus.toArray();
            this.norms = Cosine.squaredNorms(flatCorpus, (int) corpus.rows(), dims);
            this.queryRows = new float[(int) queries.rows()][];
            for (int q = 0; q < queryRows.length; q++) {
                queryRows[q] = queries.row(q);
            }
        }

        void measure(String name, Path out) throws Exception {
            List<Row> rows = new ArrayList<>();
            long[][] floatTop = Cosine.topK(corpus, queries, K);
            double[] floatScores = quality(floatTop);
            rows.add(new Row("float32", "exact cosine", dims * Float.BYTES, floatScores[0], floatScores[1], Double.NaN));
            System.out.printf("float32: nDCG@10 %.4f recall@10 %.4f%n", floatScores[0], floatScores[1]);
            // -Dbbq.lucene=false skips Lucene (its passes take most of the time) while tuning our side.
            if (Boolean.parseBoolean(System.getProperty("bbq.lucene", "true"))) {
                for (ScalarEncoding e : List.of(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, ScalarEncoding.DIBIT_QUERY_NIBBLE, ScalarEncoding.PACKED_NIBBLE)) {
                    rows.addAll(lucene(e));
                }
            }
            for (SearchBackend backend : SearchBackends.loadAll()) {
                try (backend) {
                    if (!backend.availability().available() || backend.name().equals("reference")) {
                        continue;
                    }
                    rows.add(hamming(backend));
                    for (int bits : new int[]{1, 2, 4}) {
                        rows.addAll(osq(backend, bits));
                    }
                }
            }
            Files.writeString(out, report(name, rows, floatScores));
            Path png = out.resolveSibling(out.getFileName().toString().replace(".md", ".png"));
            chart(name, rows, floatScores[0], png);
            System.out.println("wrote " + out + " and " + png);
        }

        /** nDCG@10 and recall@10 of ranked corpus rows. */
        double[] quality(long[][] top) {
            Qrels qrels = data.queries().qrels().orElseThrow();
            List<String> ids = new ArrayList<>();
            List<List<String>> ranked = new ArrayList<>();
            for (int q = 0; q < top.length; q++) {
                ids.add(data.queries().id(q));
                ranked.add(Arrays.stream(top[q]).limit(K).mapToObj(data.corpus()::id).toList());
            }
            RetrievalMetrics.Scores s = RetrievalMetrics.evaluate(ids, ranked, qrels, K);
            return new double[]{s.ndcg(), s.recall()};
        }

        long[] rescored(int q, long[] shortlist) {
            return Cosine.topKOne(flatCorpus, norms, dims, queryRows[q], K, shortlist);
        }

        /** Every query's shortlist re-ranked by exact cosine, the queries shared by {@code threads} threads. */
        long[][] rescoredAll(long[][] shortlists) {
            long[][] out = new long[shortlists.length][];
            try (var pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    pool.submit(() -> {
                        for (int q = first; q < shortlists.length; q += threads) {
                            out[q] = rescored(q, shortlists[q]);
                        }
                    });
                }
            }
            return out;
        }

        /** Queries per second of {@code perQuery} over every query on {@code threads} threads: the best of three passes. */
        double qps(QueryTask perQuery, long[][] into) throws Exception {
            double best = 0;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long start = System.nanoTime();
                for (int pass = 0; pass < 4 || System.nanoTime() - start < 2_000_000_000L && pass < 50; pass++) {
                    long t0 = System.nanoTime();
                    List<Future<?>> fs = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int first = t;
                        fs.add(pool.submit(() -> {
                            QueryTask.Worker w = perQuery.worker();
                            for (int q = first; q < queryRows.length; q += threads) {
                                into[q] = w.top(q);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                    best = Math.max(best, queryRows.length / ((System.nanoTime() - t0) / 1e9));
                }
            } finally {
                pool.shutdownNow();
            }
            return best;
        }

        List<Row> lucene(ScalarEncoding encoding) throws Exception {
            Path dir = Files.createTempDirectory("lucene-bbq");
            List<Row> rows = new ArrayList<>();
            KnnVectorsFormat format = new Lucene104ScalarQuantizedVectorsFormat(encoding);
            IndexWriterConfig config = new IndexWriterConfig().setCodec(new Lucene104Codec() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return format;
                }
            }).setRAMBufferSizeMB(4096).setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH);
            long t0 = System.nanoTime();
            try (MMapDirectory directory = new MMapDirectory(dir)) {
                try (IndexWriter writer = new IndexWriter(directory, config)) {
                    float[] row = new float[dims];
                    for (long i = 0; i < corpus.rows(); i++) {
                        corpus.copyRow(i, row);
                        Document doc = new Document();
                        doc.add(new KnnFloatVectorField(FIELD, row.clone(), VectorSimilarityFunction.COSINE));
                        writer.addDocument(doc);
                    }
                    writer.commit();
                }
                double indexSeconds = (System.nanoTime() - t0) / 1e9;
                try (DirectoryReader reader = DirectoryReader.open(directory)) {
                    if (reader.leaves().size() != 1 || reader.maxDoc() != corpus.rows()) {
                        throw new IllegalStateException("expected one segment of " + corpus.rows() + " docs in order");
                    }
                    LeafReader leaf = reader.leaves().getFirst().reader();
                    FlatVectorsReader flat = (FlatVectorsReader) ((PerFieldKnnVectorsFormat.FieldsReader) ((CodecReader) leaf).getVectorReader()).getFieldReader(FIELD);
                    int bytes = encoding.getDocPackedLength(dims) + 16; // corrections: 3 floats and a 4-byte component sum
                    for (boolean rescore : new boolean[]{false, true}) {
                        int depth = rescore ? K * RESCORE : K;
                        long[][] top = new long[queryRows.length][];
                        double qps = qps(() -> {
                            int[] ords = new int[256];
                            float[] scores = new float[256];
                            return q -> {
                                RandomVectorScorer scorer = flat.getRandomVectorScorer(FIELD, queryRows[q]);
                                TopList list = new TopList(depth);
                                int n = scorer.maxOrd();
                                for (int base = 0; base < n; base += ords.length) {
                                    int m = Math.min(ords.length, n - base);
                                    for (int i = 0; i < m; i++) {
                                        ords[i] = base + i;
                                    }
                                    scorer.bulkScore(ords, scores, m);
                                    for (int i = 0; i < m; i++) {
                                        list.offer(scores[i], base + i);
                                    }
                                }
                                long[] ranked = list.sorted();
                                return rescore ? rescored(q, ranked) : ranked;
                            };
                        }, top);
                        double[] quality = quality(top);
                        String what = "Lucene BBQ " + encoding + (rescore ? " + rescore x" + RESCORE : "");
                        System.out.printf("%s: nDCG@10 %.4f recall@10 %.4f, %.0f queries/s (index %.1f s)%n", what, quality[0], quality[1], qps, indexSeconds);
                        rows.add(new Row("Lucene 10.6 BBQ (flat, exact)", encoding.name().toLowerCase() + (rescore ? " + rescore x" + RESCORE : ""),
                                bytes, quality[0], quality[1], qps));
                    }
                }
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
            return rows;
        }

        List<Row> osq(SearchBackend backend, int bits) throws Exception {
            List<Row> rows = new ArrayList<>();
            OsqQuantizer quantizer = OsqQuantizer.fit(corpus, bits);
            try (OsqCodes db = quantizer.encodeDocuments(corpus); OsqCodes q = quantizer.encodeQueries(queries, 4)) {
                for (boolean rescore : new boolean[]{false, true}) {
                    int depth = rescore ? K * RESCORE : K;
                    long[][][] top = new long[1][][];
                    // Timed: the search and, for rescoring, the float re-ranking on the same threads as Lucene's.
                    double qps = bestOfThree(() -> {
                        SearchResult result = backend.search(db, q, depth);
                        top[0] = rescore ? rescoredAll(result.indexLists()) : result.indexLists();
                    });
                    double[] quality = quality(top[0]);
                    String enc = bits + "-bit docs, 4-bit queries" + (rescore ? " + rescore x" + RESCORE : "");
                    System.out.printf("osq %s on %s: nDCG@10 %.4f recall@10 %.4f, %.0f queries/s%n", enc, backend.name(), quality[0], quality[1], qps);
                    rows.add(new Row("BinaryLLM osq (" + backend.name() + ")", enc, (int) db.bytesPerRow(), quality[0], quality[1], qps));
                }
            }
            return rows;
        }

        Row hamming(SearchBackend backend) throws Exception {
            try (var db = new SignBinarizer().binarize(corpus); var q = new SignBinarizer().binarize(queries)) {
                SearchResult[] result = new SearchResult[1];
                double qps = bestOfThree(() -> result[0] = backend.search(db.codes(), q.codes(), K));
                double[] quality = quality(result[0].indexLists());
                BinaryCodeBatch codes = db.codes();
                System.out.printf("sign Hamming on %s: nDCG@10 %.4f, %.0f queries/s%n", backend.name(), quality[0], qps);
                return new Row("BinaryLLM sign, Hamming (" + backend.name() + ")", dims + " bits", codes.words() * Long.BYTES, quality[0], quality[1], qps);
            }
        }

        /**
         * Queries per second of a batch search of every query: warmed once, then the best pass of at least three and
         * as many more as fit in two seconds (a pass over glosses-10k takes milliseconds: one pass is noise).
         */
        double bestOfThree(Runnable search) {
            search.run();
            double best = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 3 || System.nanoTime() - start < 2_000_000_000L && i < 200; i++) {
                long t0 = System.nanoTime();
                search.run();
                best = Math.max(best, queryRows.length / ((System.nanoTime() - t0) / 1e9));
            }
            return best;
        }

        /** Share of float nDCG@10 against queries per second (log scale), one series per system and backend. */
        void chart(String name, List<Row> rows, double floatNdcg, Path png) throws IOException {
            System.setProperty("java.awt.headless", "true");
            XYChart chart = new XYChartBuilder().width(1000).height(600)
                    .title(name + ": quality kept against speed (" + threads + " threads)")
                    .xAxisTitle("queries per second (log)").yAxisTitle("share of float32 nDCG@10 (%)").build();
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setMarkerSize(10);
            Map<String, List<Row>> bySystem = new LinkedHashMap<>();
            for (Row r : rows) {
                if (!Double.isNaN(r.qps())) {
                    bySystem.computeIfAbsent(r.system(), k -> new ArrayList<>()).add(r);
                }
            }
            bySystem.forEach((system, rs) -> chart.addSeries(system, rs.stream().mapToDouble(Row::qps).toArray(),
                    rs.stream().mapToDouble(r -> 100 * r.ndcg() / floatNdcg).toArray()));
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        }

        String report(String name, List<Row> rows, double[] floatScores) {
            StringBuilder md = new StringBuilder();
            md.append("### ").append(name).append(": ").append(corpus.rows()).append(" documents, ").append(queries.rows())
                    .append(" queries, ").append(dims).append(" dims, ").append(threads).append(" threads, ").append(LocalDate.now()).append("\n\n");
            md.append("| system | encoding | bytes/vector | nDCG@10 | kept | recall@10 | kept | queries/s |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (Row r : rows) {
                md.append(String.format("| %s | %s | %d | %.4f | %.1f%% | %.4f | %.1f%% | %s |%n", r.system(), r.encoding(), r.bytesPerVector(),
                        r.ndcg(), 100 * r.ndcg() / floatScores[0], r.recall(), 100 * r.recall() / floatScores[1],
                        Double.isNaN(r.qps()) ? "" : String.format("%.0f", r.qps())));
            }
            return md.toString();
        }
    }

    /** Per query, the ranked rows; a worker per thread keeps its scratch. */
    interface QueryTask {
        Worker worker();

        interface Worker {
            long[] top(int query) throws IOException;
        }
    }

    /** The best {@code k} (score desc, index asc) of scores offered in ascending index order. */
    static final class TopList {
        private final float[] scores;
        private final long[] indices;
        private int size;

        TopList(int k) {
            scores = new float[k];
            indices = new long[k];
        }

        /** Insertion into a sorted array: k is 10 or 40, and most offers end at the first comparison. */
        void offer(float score, long index) {
            if (size == scores.length && !(score > scores[size - 1])) {
                return;
            }
            int pos = size == scores.length ? size - 1 : size++;
            while (pos > 0 && scores[pos - 1] < score) {
                scores[pos] = scores[pos - 1];
                indices[pos] = indices[pos - 1];
                pos--;
            }
            scores[pos] = score;
            indices[pos] = index;
        }

        long[] sorted() {
            return Arrays.copyOf(indices, size);
        }
    }
}
