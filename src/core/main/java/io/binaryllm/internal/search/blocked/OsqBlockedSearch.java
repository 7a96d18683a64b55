package io.binaryllm.internal.search.blocked;

import io.binaryllm.data.MemoryBudget;
import io.binaryllm.data.Ranking;
import io.binaryllm.internal.vectorization.FlatTopK;
import io.binaryllm.internal.vectorization.OsqBatch;
import io.binaryllm.internal.vectorization.OsqKernel;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.search.SearchResult;

import java.util.List;

/**
 * Exact osq top-k on {@link BlockedSearch}'s tiles and threads: the document planes are tiled like Hamming codes, every
 * thread keeps a bounded heap of keys per query, and the threads' heaps are merged by (key, index), so thread count
 * and tile size never change the answer. Keys are full 32-bit ints, so there is no counting selection: every k is
 * served by heaps.
 */
final class OsqBlockedSearch {
    private static final int QUERY_SLICE = 512;

    private OsqBlockedSearch() {
    }

    /**
     * Exact osq top-k over tiles laid out before ({@link BlockedSearch#layOut} in the kernel's lanes) or made on the
     * fly; the caller has made {@link OsqCodes#requireSearchable}'s checks.
     */
    static SearchResult search(BlockedSearch blocked, OsqKernel kernel, int threads, OsqCodes db, BlockedSearch.Tiles tiles,
                               OsqCodes queries, int k) {
        int nq = Math.toIntExact(queries.rows());
        MemoryBudget.requireHeapFor("k", MemoryBudget.bytes(threads + 1L, nq, k, Long.BYTES + Integer.BYTES),
                nq + " queries x k=" + k + " on " + threads + " threads");
        int queryWords = queries.planes().words();
        long[] q = new long[Math.multiplyExact(nq, queryWords)];
        long[] row = new long[queryWords];
        for (int i = 0; i < nq; i++) {
            queries.planes().copyRow(i, row);
            System.arraycopy(row, 0, q, i * queryWords, queryWords);
        }
        OsqBatch batch = new OsqBatch(db.planeWords(), db.bitsPerDim(), queries.bitsPerDim(), q, queries.corrections(),
                db.corrections());
        // Queries go to the kernel in slices: a native kernel runs as a critical downcall (no GC meanwhile).
        List<FlatTopK> parts = blocked.scanTiles(tiles, () -> new FlatTopK(nq, k), (heaps, tile) -> {
            for (int a = 0; a < nq; a += QUERY_SLICE) {
                kernel.topK(tile, batch, a, Math.min(nq, a + QUERY_SLICE), heaps);
            }
        });
        long[] indices = new long[nq * k];
        int[] keys = new int[nq * k];
        BlockedSearch.merge(parts, nq, k, indices, keys);
        return new SearchResult(nq, k, indices, keys, Ranking.SCORE);
    }

}
