package io.binaryllm.gpu.internal;

import io.binaryllm.data.Ranking;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqScores;
import io.binaryllm.search.SearchResult;
import io.binaryllm.search.TopKLists;

import java.lang.foreign.MemorySegment;

/**
 * Exact osq top-k with the device computing every key ({@code blm_osq_keys}) and the host selecting: the documents
 * go up in chunks of rows (planes and corrections), the queries once; for each chunk and pass of queries the keys come
 * back and each query's k smallest (key, index) pairs are kept, chunks in index order, so the selection's strict
 * comparison is exact. Keys are the whole score, so the device's part is what must equal the reference bit for bit.
 */
final class OsqSearch {
    /** The keys of one chunk and pass stay under this many bytes (device buffer and host copy). */
    static final long KEY_BYTES = 64L << 20;

    private OsqSearch() {
    }

    static <B> SearchResult run(DeviceCalls<B> calls, OsqCodes db, OsqCodes queries, int k, long maxChunkBytes) {
        int nq = Math.toIntExact(queries.rows());
        long n = db.rows();
        int planeWords = db.planeWords();
        long planeBytes = (long) db.planes().words() * Long.BYTES;
        long corrBytes = OsqScores.CORRECTIONS * Float.BYTES;
        // A chunk's planes must fit one device allocation, as must its keys (KEY_BYTES keeps them small).
        long limit = Math.min(maxChunkBytes / (planeBytes + corrBytes), calls.device().maxAllocation() / planeBytes);
        long chunkRows = Math.max(1, Math.min(n, Math.min(limit, KEY_BYTES / Integer.BYTES)));
        int pass = (int) Math.max(1, Math.min(nq, KEY_BYTES / Integer.BYTES / chunkRows));
        long queryBytes = (long) queries.planes().words() * Long.BYTES;
        B queryPlanes = calls.buffer("osq-queries", pass * queryBytes);
        B queryCorr = calls.buffer("osq-query-corrections", pass * corrBytes);
        B planes = calls.buffer("osq-planes", chunkRows * planeBytes);
        B corr = calls.buffer("osq-corrections", chunkRows * corrBytes);
        B keys = calls.buffer("osq-keys", pass * chunkRows * Integer.BYTES);
        MemorySegment dbCorr = MemorySegment.ofArray(db.corrections());
        MemorySegment qCorr = MemorySegment.ofArray(queries.corrections());
        int group = calls.groupSize(Kernel.OSQ_KEYS);
        TopKLists lists = new TopKLists(nq, k, Ranking.SCORE);
        for (long first = 0; first < n; first += chunkRows) {
            long rows = Math.min(chunkRows, n - first);
            calls.send(planes, db.planes().segment().asSlice(first * planeBytes, rows * planeBytes));
            calls.send(corr, dbCorr.asSlice(first * corrBytes, rows * corrBytes));
            int groups = Math.toIntExact((rows + group - 1) / group);
            for (int q0 = 0; q0 < nq; q0 += pass) {
                int m = Math.min(pass, nq - q0);
                if (pass < nq || first == 0) { // one pass holds every query: sent once
                    calls.send(queryPlanes, queries.planes().segment().asSlice(q0 * queryBytes, m * queryBytes));
                    calls.send(queryCorr, qCorr.asSlice(q0 * corrBytes, m * corrBytes));
                }
                // blm_osq_keys(db, dcorr, n, plane_words, doc_bits, query_bits, queries, qcorr, m, keys)
                calls.launch(calls.kernel(Kernel.OSQ_KEYS, groups).buffer(planes).buffer(corr).i64(rows).i32(planeWords)
                        .i32(db.bitsPerDim()).i32(queries.bitsPerDim()).buffer(queryPlanes).buffer(queryCorr).i32(m).buffer(keys));
                int[] out = calls.readInts(keys, Math.toIntExact(m * rows));
                for (int q = 0; q < m; q++) {
                    int base = Math.toIntExact(q * rows);
                    int bound = lists.bound(q0 + q);
                    for (int i = 0; i < rows; i++) {
                        if (out[base + i] < bound) {
                            lists.offer(q0 + q, out[base + i], first + i);
                            bound = lists.bound(q0 + q);
                        }
                    }
                }
            }
        }
        return lists.result();
    }
}
