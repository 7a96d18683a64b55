package io.binaryllm.gpu.internal;

/**
 * The one-pass selection for k up to {@link #MAX_K} ({@code blm_topk_small}, {@code blm_topk_small8}): a work-group
 * serves a tile of 4 or 8 queries (each row it loads counts for all of them) and a slice of the rows, each work-item
 * keeps each query's k smallest keys of its strided share, the group sorts them in local memory and writes the first
 * k; chunks of the database carry the lists along. Few queries are sliced to fill the device
 * ({@link TopKSearch#rowSlices}); the host merges the slices' lists.
 */
final class OnePassTopK<B> implements TopKSearch.Selection {
    /** Largest k (BLM_KMAX). */
    static final int MAX_K = 32;
    /** Largest work-group (BLM_SMALL_GROUP): its sort pool is 64 x 32 keys of local memory. */
    static final int MAX_GROUP = 64;

    private final DeviceCalls<B> calls;
    private final DatabaseChunks<B> chunks;
    private final B queries;
    private final int k;
    private final int tile;
    private final Kernel kernel;
    private final int slices;
    private final int pass;
    private final B keys;

    OnePassTopK(DeviceCalls<B> calls, DatabaseChunks<B> chunks, B queries, int pass, int k) {
        this.calls = calls;
        this.chunks = chunks;
        this.queries = queries;
        this.k = k;
        this.tile = GpuProperties.queryTile();
        this.kernel = tile == 8 ? Kernel.TOP_K_TILE_8 : Kernel.TOP_K_TILE_4;
        this.slices = TopKSearch.rowSlices(pass, tile, chunks.codes().rows(), calls.groupsToFill());
        this.pass = (int) Math.max(1, Math.min(pass, TopKSearch.PASS_BYTES / (8L * k * slices)));
        this.keys = calls.buffer("keys", 8L * k * this.pass * slices);
    }

    @Override
    public int queriesPerPass() {
        return pass;
    }

    @Override
    public int keyLists() {
        return slices;
    }

    @Override
    public long[] run(int q0, int m) {
        calls.fill(keys, (int) Keys.NONE, 2L * m * k * slices);
        int groups = Math.toIntExact((long) (m + tile - 1) / tile * slices);
        int words = chunks.codes().words();
        // blm_topk_small(db, n, first, words, queries, q0, m, k, slices, best_all)
        chunks.forEach((db, first, rows) -> calls.launch(calls.kernel(kernel, groups)
                .buffer(db).i64(rows).i64(first).i32(words).buffer(queries).i32(q0).i32(m).i32(k).i32(slices).buffer(keys)));
        return calls.readLongs(keys, m * k * slices);
    }
}
