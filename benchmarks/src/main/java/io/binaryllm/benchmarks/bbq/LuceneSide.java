package io.binaryllm.benchmarks.bbq;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lucene 10.6's BBQ at its documented best for normalised embeddings: {@code Lucene104ScalarQuantizedVectorsFormat}
 * with DOT_PRODUCT on the unit vectors, one segment, flat (exact search: every document scored through the format's
 * own asymmetric scorer, {@code bulkScore}, in blocks of 256), top-k by (score desc, doc asc) as ours. Each pass
 * quantizes every query ({@code getRandomVectorScorer}) as osq's pass encodes its queries.
 */
final class LuceneSide {
    private static final String FIELD = "v";
    private static final int BLOCK = 256;

    private LuceneSide() {
    }

    static ScalarEncoding encoding(int bits) {
        return switch (bits) {
            case 1 -> ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE;
            case 2 -> ScalarEncoding.DIBIT_QUERY_NIBBLE;
            case 4 -> ScalarEncoding.PACKED_NIBBLE;
            default -> throw new IllegalArgumentException("bits must be 1, 2 or 4, got " + bits);
        };
    }

    static List<Row> measure(Workload work, int bits) throws Exception {
        ScalarEncoding encoding = encoding(bits);
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
                float[] row = new float[work.dims];
                for (long i = 0; i < work.corpus.rows(); i++) {
                    work.corpus.copyRow(i, row);
                    Document doc = new Document();
                    doc.add(new KnnFloatVectorField(FIELD, row.clone(), VectorSimilarityFunction.DOT_PRODUCT));
                    writer.addDocument(doc);
                }
                writer.commit();
            }
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                if (reader.leaves().size() != 1 || reader.maxDoc() != work.corpus.rows()) {
                    throw new IllegalStateException("expected one segment of " + work.corpus.rows() + " docs in order");
                }
                LeafReader leaf = reader.leaves().getFirst().reader();
                FlatVectorsReader flat = (FlatVectorsReader) ((PerFieldKnnVectorsFormat.FieldsReader) ((CodecReader) leaf).getVectorReader()).getFieldReader(FIELD);
                int bytes = encoding.getDocPackedLength(work.dims) + 16; // corrections: 3 floats and a 4-byte component sum
                for (boolean rescore : new boolean[]{false, true}) {
                    int depth = rescore ? Workload.K * Workload.RESCORE : Workload.K;
                    long[][] top = new long[work.queryRows.length][];
                    Workload.QueryTask task = () -> {
                        int[] ords = new int[BLOCK];
                        float[] scores = new float[BLOCK];
                        return q -> {
                            RandomVectorScorer scorer = flat.getRandomVectorScorer(FIELD, work.queryRows[q]);
                            TopList list = new TopList(depth);
                            int n = scorer.maxOrd();
                            for (int base = 0; base < n; base += BLOCK) {
                                int m = Math.min(BLOCK, n - base);
                                for (int i = 0; i < m; i++) {
                                    ords[i] = base + i;
                                }
                                scorer.bulkScore(ords, scores, m);
                                for (int i = 0; i < m; i++) {
                                    list.offer(scores[i], base + i);
                                }
                            }
                            long[] ranked = list.sorted();
                            return rescore ? work.rescored(q, ranked) : ranked;
                        };
                    };
                    PassTimer.Timing timing = PassTimer.measure(top.length, () -> work.perQuery(task, top));
                    double[] quality = work.quality(top);
                    rows.add(new Row("Lucene 10.6 BBQ (flat, DOT_PRODUCT)", encoding.name().toLowerCase() + (rescore ? " + rescore x" + Workload.RESCORE : ""),
                            Row.pair(bits, rescore), bytes, quality[0], quality[1], timing.queriesPerSecond(), timing.passes(), buildSeconds));
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
