package io.binaryllm.gpu.internal;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.search.SearchResult;

/**
 * Exact top-k of every query over a database on the device (in one piece, or in chunks): the queries go up once,
 * then pass by pass (a pass's keys and histograms stay under {@link #PASS_BYTES}) a selection fills each query's key
 * lists on the device: {@link OnePassTopK} for k up to 32, else {@link CountingTopK}. The host merges the lists into
 * the sorted result ({@link Keys#unpack}).
 */
final class TopKSearch {
    /** Histograms and keys of one pass over the queries stay under this many bytes each. */
    static final long PASS_BYTES = 256L << 20;

    /** One pass's work on the device: the kernels that fill the key lists of queries [q0, q0 + m). */
    interface Selection {
        /** Queries a pass serves: what the selection's buffers are sized for. */
        int queriesPerPass();

        /** Key lists a query gets (one per slice of the rows for the one-pass kernel, else one). */
        int keyLists();

        /** Runs the pass and returns its keys, {@code keys[(l * m + q) * k + j]}. */
        long[] run(int q0, int m);
    }

    private TopKSearch() {
    }

    static <B> SearchResult run(DeviceCalls<B> calls, DatabaseChunks<B> chunks, BinaryCodeBatch queries, int k) {
        int nq = Math.toIntExact(queries.rows());
        int pass = queriesPerPass(nq, chunks.codes().bits() + 1, k);
        B queryBuffer = calls.buffer("queries", queries.segment().byteSize());
        calls.send(queryBuffer, queries.segment());
        Selection selection = k <= OnePassTopK.MAX_K ? new OnePassTopK<>(calls, chunks, queryBuffer, pass, k)
                : new CountingTopK<>(calls, chunks, queryBuffer, pass, k);
        long[] indices = new long[nq * k];
        int[] distances = new int[nq * k];
        for (int q0 = 0; q0 < nq; q0 += selection.queriesPerPass()) {
            int m = Math.min(selection.queriesPerPass(), nq - q0);
            Keys.unpack(selection.run(q0, m), selection.keyLists(), m, k, indices, distances, q0 * k);
        }
        return new SearchResult(nq, k, indices, distances);
    }

    /** Queries per pass for codes of {@code bins - 1} bits, before slicing: what the buffers of one pass hold. */
    static int queriesPerPass(int nq, int bins, int k) {
        return (int) Math.max(1, Math.min(nq, Math.min(PASS_BYTES / (4L * bins), PASS_BYTES / (8L * k))));
    }

    /**
     * Slices of the rows for few queries: with {@code queries} queries a pass in tiles of {@code tile}, enough for
     * {@code groupsToFill} work-groups, but none under {@link GpuProperties#minSliceRows()} rows (a work-group's fixed
     * cost, the final sort, must stay small beside its scan). 1 when the query tiles alone fill the device.
     */
    static int rowSlices(int queries, int tile, long rows, int groupsToFill) {
        long tiles = (queries + tile - 1) / tile;
        long wanted = (groupsToFill + tiles - 1) / tiles;
        long most = Math.max(1, rows / GpuProperties.minSliceRows());
        return (int) Math.max(1, Math.min(1 << 16, Math.min(wanted, most)));
    }
}
