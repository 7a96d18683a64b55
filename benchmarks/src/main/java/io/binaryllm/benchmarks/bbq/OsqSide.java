package io.binaryllm.benchmarks.bbq;

import io.binaryllm.binarize.SignBinarizer;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;

import java.util.ArrayList;
import java.util.List;

/**
 * BinaryLLM's side on one backend: osq at 1, 2 or 4 bits a dimension with 4-bit queries, and sign codes' Hamming
 * search as the speed floor. Each pass encodes every query from its float vector, then searches them all at once
 * (the backend's threads: {@code -Dbinaryllm.threads}), or osq one query a call, then rescores on the workload's
 * threads where asked.
 */
final class OsqSide {
    private static final int QUERY_BITS = 4;

    private OsqSide() {
    }

    /**
     * osq at {@code bits}, plain and rescored. A batch pass encodes every query and searches them all in one call (the
     * backend's threads); {@code oneQueryACall} is Lucene's way instead: each of the workload's threads encodes its
     * query and searches it alone, the backend itself on one thread (the caller sets {@code binaryllm.threads=1}), so
     * the threads are the workload's, as Lucene's are.
     */
    static List<Row> osq(Workload work, String backendName, int bits, boolean oneQueryACall) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (SearchBackend backend = SearchBackends.open(backendName)) {
            long t0 = System.nanoTime();
            OsqQuantizer quantizer = OsqQuantizer.fit(work.corpus, bits);
            try (OsqCodes db = quantizer.encodeDocuments(work.corpus)) {
                double buildSeconds = (System.nanoTime() - t0) / 1e9;
                for (boolean rescore : new boolean[]{false, true}) {
                    int depth = rescore ? Workload.K * Workload.RESCORE : Workload.K;
                    long[][] top = new long[work.queryRows.length][];
                    PassTimer.Pass pass;
                    if (oneQueryACall) {
                        Workload.QueryTask task = () -> q -> {
                            try (OsqCodes one = quantizer.encodeQueries(FloatEmbeddingBatch.of(new float[][]{work.queryRows[q]}), QUERY_BITS)) {
                                long[] ranked = backend.search(db, one, depth).indicesOf(0);
                                return rescore ? work.rescored(q, ranked) : ranked;
                            }
                        };
                        pass = () -> work.perQuery(task, top);
                    } else {
                        pass = () -> {
                            try (OsqCodes q = quantizer.encodeQueries(work.queries, QUERY_BITS)) {
                                long[][] ranked = backend.search(db, q, depth).indexLists();
                                System.arraycopy(rescore ? work.rescoredAll(ranked) : ranked, 0, top, 0, top.length);
                            }
                        };
                    }
                    PassTimer.Timing timing = PassTimer.measure(top.length, pass);
                    double[] quality = work.quality(top);
                    String enc = bits + "-bit docs, " + QUERY_BITS + "-bit queries" + (rescore ? " + rescore x" + Workload.RESCORE : "");
                    rows.add(new Row("BinaryLLM osq (" + backendName + ")" + (oneQueryACall ? ", one query a call" : ""), enc,
                            Row.pair(bits, rescore), (int) db.bytesPerRow(), quality[0], quality[1], timing.queriesPerSecond(), timing.passes(),
                            buildSeconds));
                }
            }
        }
        return rows;
    }

    static List<Row> sign(Workload work, String backendName) throws Exception {
        try (SearchBackend backend = SearchBackends.open(backendName)) {
            long t0 = System.nanoTime();
            try (var db = new SignBinarizer().binarize(work.corpus)) {
                double buildSeconds = (System.nanoTime() - t0) / 1e9;
                long[][][] top = new long[1][][];
                PassTimer.Timing timing = PassTimer.measure(work.queryRows.length, () -> {
                    try (var q = new SignBinarizer().binarize(work.queries)) {
                        top[0] = backend.search(db.codes(), q.codes(), Workload.K).indexLists();
                    }
                });
                double[] quality = work.quality(top[0]);
                return List.of(new Row("BinaryLLM sign, Hamming (" + backendName + ")", work.dims + " bits", "", db.codes().words() * Long.BYTES,
                        quality[0], quality[1], timing.queriesPerSecond(), timing.passes(), buildSeconds));
            }
        }
    }
}
