/*
 * Template of the one-pass top-k kernel for k <= BLM_KMAX, included by binaryllm_core.h once per tile size with
 * BLM_TILE_QT (queries a work-group serves: 4 or 8), BLM_TILE_EACH(X) (X(0) X(1) ... X(BLM_TILE_QT - 1)) and
 * BLM_TILE_NAME (the kernel's name) defined. More queries a tile divide the database traffic further but need more
 * private state per work-item; which size is faster is a measurement on each device (the host chooses,
 * -Dbinaryllm.gpu.queryTile). Per-query state is spelled out as scalars (qp0, c0, b0, l0, ...) through
 * BLM_TILE_EACH rather than indexed arrays: every compiler keeps those in registers.
 *
 * One work-group (a power of two, at most BLM_SMALL_GROUP work-items) per BLM_TILE_QT queries of the chunk's m and
 * slice of the chunk's rows: few queries alone would occupy a few multiprocessors, so the host cuts the rows into
 * `slices` contiguous slices, each group keeping its slice's k smallest keys; the host merges the slices' lists (keys
 * are unique: the union's k smallest are the answer, however the rows were cut). best[(s * m + q) * k ..] holds
 * the k smallest keys of query q0 + q in slice s of the earlier database chunks (all ones before the first) and
 * receives those of this one.
 */
BLM_KERNEL void BLM_TILE_NAME(BLM_GLOBAL const blm_u64 *db, blm_i64 n, blm_i64 first, int words,
                              BLM_GLOBAL const blm_u64 *queries, int q0, int m, int k, int slices,
                              BLM_GLOBAL blm_u64 *best_all) {
    BLM_LOCAL_ARRAY(blm_u64, pool, BLM_SMALL_GROUP * BLM_KMAX);
    int lid = BLM_LID();
    int size = BLM_LSIZE();
    int tile = BLM_GROUP() / slices;
    int slice = BLM_GROUP() - tile * slices;
    blm_i64 lo, hi;                                         /* this group's rows: [lo, hi) of the chunk */
    blm_slice(n, slice, slices, &lo, &hi);
    BLM_GLOBAL blm_u64 *best = best_all + (blm_i64) slice * m * k;
    int qa = tile * BLM_TILE_QT;                            /* the tile's first query, counted from q0 */
    int nqt = m - qa < BLM_TILE_QT ? m - qa : BLM_TILE_QT;  /* queries in this tile: the last one may be short */
    const blm_u64 none = ~((blm_u64) 0);
    /* A short tile computes its missing queries as copies of its last one and discards them: one code path. */
#define BLM_TILE_DECLARE(J) \
    BLM_GLOBAL const blm_u64 *qp##J = queries + (blm_i64) (q0 + qa + (J < nqt ? J : nqt - 1)) * words; \
    blm_u64 l##J[BLM_KMAX]; \
    int c##J = 0;
    BLM_TILE_EACH(BLM_TILE_DECLARE)
#undef BLM_TILE_DECLARE
    if (lid == 0) { /* the earlier chunks' keys, ascending */
        BLM_NO_UNROLL
        for (int t = 0; t < k; t++) {
#define BLM_TILE_EARLIER(J) \
            if (J < nqt) { blm_u64 e = best[(blm_i64) (qa + J) * k + t]; if (e != none) l##J[c##J++] = e; }
            BLM_TILE_EACH(BLM_TILE_EARLIER)
#undef BLM_TILE_EARLIER
        }
    }
#define BLM_TILE_BOUND(J) blm_u64 b##J = c##J == k ? l##J[k - 1] : none;
    BLM_TILE_EACH(BLM_TILE_BOUND)
#undef BLM_TILE_BOUND
    /* Rows strided over the work-items, so neighbouring work-items read neighbouring rows (coalesced loads); any
       division of the rows gives the same answer, since keys are unique. Bounds live in registers. */
    for (blm_i64 i = lo + lid; i < hi; i += size) {
        BLM_GLOBAL const blm_u64 *row = db + i * words;
#define BLM_TILE_ZERO(J) int d##J = 0;
        BLM_TILE_EACH(BLM_TILE_ZERO)
#undef BLM_TILE_ZERO
        for (int w = 0; w < words; w++) {
            blm_u64 x = row[w];
#define BLM_TILE_COUNT(J) d##J += BLM_POPCOUNT(x ^ qp##J[w]);
            BLM_TILE_EACH(BLM_TILE_COUNT)
#undef BLM_TILE_COUNT
        }
        blm_u64 index = (blm_u64) (first + i);
#define BLM_TILE_OFFER(J) \
        { blm_u64 key = ((blm_u64) d##J << BLM_INDEX_BITS) | index; if (key < b##J) blm_insert(l##J, &c##J, k, key, &b##J); }
        BLM_TILE_EACH(BLM_TILE_OFFER)
#undef BLM_TILE_OFFER
    }
    /* Per query of the tile: the work-group sorts every work-item's list (bitonic, in local memory), keeps k. */
    BLM_NO_UNROLL
    for (int j = 0; j < nqt; j++) {
        BLM_NO_UNROLL
        for (int t = 0; t < BLM_KMAX; t++) {
            blm_u64 v = none;
#define BLM_TILE_PICK(J) if (j == J && t < c##J) v = l##J[t];
            BLM_TILE_EACH(BLM_TILE_PICK)
#undef BLM_TILE_PICK
            pool[lid * BLM_KMAX + t] = v;
        }
        BLM_BARRIER();
        int total = size * BLM_KMAX; /* a power of two */
        for (int span = 2; span <= total; span <<= 1) {
            for (int step = span >> 1; step > 0; step >>= 1) {
                for (int t = lid; t < total; t += size) {
                    int other = t ^ step;
                    if (other > t) {
                        blm_u64 a = pool[t];
                        blm_u64 b = pool[other];
                        int ascending = (t & span) == 0;
                        if ((a > b) == ascending) {
                            pool[t] = b;
                            pool[other] = a;
                        }
                    }
                }
                BLM_BARRIER();
            }
        }
        for (int t = lid; t < k; t += size) {
            best[(blm_i64) (qa + j) * k + t] = pool[t];
        }
        BLM_BARRIER(); /* the pool is refilled for the next query */
    }
}
