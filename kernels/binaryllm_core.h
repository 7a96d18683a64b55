/*
 * BinaryLLM GPU core: Hamming distance, exact selection and sign/hyperplane packing, written once for OpenCL C and
 * CUDA.
 * binaryllm.cl and binaryllm.cu only include this file, so the code CI runs on pocl is the code that runs on
 * NVIDIA. Layout and order are docs/contracts.md's: codes are row-major little-endian 64-bit words, dimension j is bit
 * j % 64 of word j / 64; top-k is the k smallest (distance, index).
 *
 * Selection is a counting selection over the small integer distances, exact for every k <= n and independent of
 * scheduling:
 *   1. blm_histogram: each query's histogram of distances (atomic counts: the totals do not depend on order);
 *      the host derives the cut t (distance of the k-th neighbour) and how many ties at t are taken (e).
 *      A work-group counts up to 4 queries, each row it loads serving all of them (so does blm_collect).
 *   2. blm_collect: each work-item owns a contiguous range of rows, counts its rows below t and at t, an
 *      exclusive prefix sum over the work-items (in index order) gives every row its slot, and the rows below t
 *      plus the first e rows at t are written as keys (distance << 40 | index). Slots follow index order, so the
 *      output is the same on every run and device; the host sorts each query's k keys, a total order.
 * A database larger than device memory is passed in chunks, in index order: histograms accumulate across chunks,
 * and blm_collect continues the slots where the previous chunk stopped (done_below, done_at, per query), with
 * `first` the index of the chunk's first row. One chunk is the same computation with first = 0.
 * For k <= BLM_KMAX (the common case) blm_topk_small does it in one pass instead: a work-group serves 4 (or, in
 * blm_topk_small8, 8) queries, each row it loads counting for all of them; each work-item keeps each query's k smallest keys of its
 * strided share of the rows in private memory, then the work-group sorts them all in local memory (bitonic) and
 * keeps the first k. Keys are unique, so the result is the same however rows are divided: few queries also cut the
 * rows into slices (a work-group per tile and slice), and the host merges the slices' lists.
 * Limits: n < 2^40 rows, codes < 2^23 bits.
 */
#ifndef BINARYLLM_CORE_H
#define BINARYLLM_CORE_H

#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__) /* the device compiler defines the first; clang alone, the second */
typedef ulong blm_u64;
typedef long blm_i64;
typedef char blm_i8;    /* signed in OpenCL C */
typedef uchar blm_u8;
#define BLM_KERNEL __kernel
#define BLM_GLOBAL __global
#define BLM_POPCOUNT(x) ((int) popcount(x))
#define BLM_GROUP() ((int) get_group_id(0))
#define BLM_GID() ((blm_i64) get_global_id(0))
#define BLM_FMAF(a, b, c) fma((a), (b), (c))
#define BLM_LID() ((int) get_local_id(0))
#define BLM_LSIZE() ((int) get_local_size(0))
#define BLM_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define BLM_ATOMIC_INC(p) atomic_inc(p)
#define BLM_LOCAL_ARRAY(type, name, size) __local type name[size]
#define BLM_LOCAL __local
#define BLM_DEVICE static inline
#define BLM_NO_UNROLL
#define BLM_FMUL(a, b) ((a) * (b))  /* FP_CONTRACT OFF below: never fused into a multiply-add */
#define BLM_FADD(a, b) ((a) + (b))
#define BLM_FLOAT_BITS(x) as_int(x)
#pragma OPENCL FP_CONTRACT OFF
#else /* CUDA */
typedef unsigned long long blm_u64;
typedef long long blm_i64;
typedef signed char blm_i8;
typedef unsigned char blm_u8;
#define BLM_KERNEL extern "C" __global__
#define BLM_GLOBAL
#define BLM_POPCOUNT(x) __popcll(x)
#define BLM_GROUP() ((int) blockIdx.x)
#define BLM_GID() ((blm_i64) blockIdx.x * blockDim.x + threadIdx.x)
#define BLM_FMAF(a, b, c) fmaf((a), (b), (c))
#define BLM_LID() ((int) threadIdx.x)
#define BLM_LSIZE() ((int) blockDim.x)
#define BLM_BARRIER() __syncthreads()
#define BLM_ATOMIC_INC(p) atomicAdd((p), 1)
#define BLM_LOCAL_ARRAY(type, name, size) __shared__ type name[size]
#define BLM_LOCAL
#define BLM_DEVICE static __device__ __forceinline__
#define BLM_NO_UNROLL _Pragma("unroll 1") /* rarely run loops: unrolled, they cost registers the hot loop needs */
#define BLM_FMUL(a, b) __fmul_rn((a), (b)) /* the _rn intrinsics are never contracted into a multiply-add */
#define BLM_FADD(a, b) __fadd_rn((a), (b))
#define BLM_FLOAT_BITS(x) __float_as_int(x)
#endif

#define BLM_MAX_GROUP 256   /* largest work-group of blm_collect: its prefix-sum arrays live in local memory */
#define BLM_KMAX 32         /* largest k of blm_topk_small */
#define BLM_SMALL_GROUP 64  /* largest work-group of blm_topk_small: its sort pool is 64 x 32 keys (16 KiB) */
#define BLM_INDEX_BITS 40
#define BLM_LOCAL_BINS 4100 /* local histogram counts (16 KiB): 4 queries of 1024-bit codes, 1 of 4099 bits */

/*
 * The counting kernels serve up to BLM_COUNT_QT queries a work-group (qt, chosen by the host), so each database row
 * loaded counts for all of them: a large k (a rescoring shortlist) streams the database a quarter as often. Per-query
 * state is spelled out as scalars through BLM_COUNT_EACH, as in the one-pass kernel; a short tile (the last one, or
 * qt < BLM_COUNT_QT) computes its missing queries as copies of its last one and discards them.
 */
#define BLM_COUNT_QT 4
#define BLM_COUNT_EACH(X) X(0) X(1) X(2) X(3)
#define BLM_COUNT_QUERY(J) \
    BLM_GLOBAL const blm_u64 *qp##J = queries + (blm_i64) (q0 + qa + (J < nqt ? J : nqt - 1)) * words;
#define BLM_COUNT_ZERO(J) int d##J = 0;
#define BLM_COUNT_POPCOUNT(J) d##J += BLM_POPCOUNT(x ^ qp##J[w]);
/* Distances d0..d3 of row i to the tile's queries (the database is read once for all of them). */
#define BLM_COUNT_DISTANCES(i) \
    BLM_COUNT_EACH(BLM_COUNT_ZERO) \
    { \
        BLM_GLOBAL const blm_u64 *row = db + (i) * words; \
        for (int w = 0; w < words; w++) { \
            blm_u64 x = row[w]; \
            BLM_COUNT_EACH(BLM_COUNT_POPCOUNT) \
        } \
    }

/* Slice `slice` of `slices` of the chunk's n rows, [*lo, *hi): the same rows in every kernel that slices. */
BLM_DEVICE void blm_slice(blm_i64 n, int slice, int slices, blm_i64 *lo, blm_i64 *hi) {
    *lo = n * slice / slices;
    *hi = n * (slice + 1) / slices;
}

/*
 * One work-group per qt queries of the chunk's m from q0 and slice of its rows (few queries alone would fill a few
 * multiprocessors; a database in chunks has one slice): hist[(s * m + q) * (bits + 1) + d] counts the rows of slice s
 * at distance d from query q0 + q. When the tile's histograms fit in local memory (nqt * (bits + 1) <= BLM_LOCAL_BINS:
 * the host picks qt so that they do, up to 4099-bit codes) they are counted there and added to hist once: an atomic
 * per pair on global memory, where the few busy bins around bits / 2 serialize, would cost more than the distances.
 * Only this work-group writes its rows of hist during a launch, so the final add needs no atomics.
 */
BLM_KERNEL void blm_histogram(BLM_GLOBAL const blm_u64 *db, blm_i64 n, int words, BLM_GLOBAL const blm_u64 *queries,
                              int q0, int m, int qt, int slices, int bits, BLM_GLOBAL int *hist) {
    BLM_LOCAL_ARRAY(int, local_hist, BLM_LOCAL_BINS);
    int lid = BLM_LID();
    int size = BLM_LSIZE();
    int tile = BLM_GROUP() / slices;
    int slice = BLM_GROUP() - tile * slices;
    blm_i64 lo, hi;
    blm_slice(n, slice, slices, &lo, &hi);
    int qa = tile * qt;                         /* the tile's first query, counted from q0 */
    int nqt = m - qa < qt ? m - qa : qt;
    int bins = bits + 1;
    BLM_GLOBAL int *h = hist + ((blm_i64) slice * m + qa) * bins;
    int counts_local = nqt * bins <= BLM_LOCAL_BINS; /* uniform in the work-group */
    BLM_COUNT_EACH(BLM_COUNT_QUERY)
    if (counts_local) {
        for (int d = lid; d < nqt * bins; d += size) {
            local_hist[d] = 0;
        }
        BLM_BARRIER();
    }
    for (blm_i64 i = lo + lid; i < hi; i += size) {
        BLM_COUNT_DISTANCES(i)
#define BLM_COUNT_ADD(J) \
        if (J < nqt) { if (counts_local) BLM_ATOMIC_INC(&local_hist[J * bins + d##J]); else BLM_ATOMIC_INC(&h[J * bins + d##J]); }
        BLM_COUNT_EACH(BLM_COUNT_ADD)
#undef BLM_COUNT_ADD
    }
    if (counts_local) {
        BLM_BARRIER();
        for (int d = lid; d < nqt * bins; d += size) {
            h[d] += local_hist[d];
        }
    }
}

/*
 * One work-group per BLM_COUNT_QT queries of the chunk's m from q0 and slice of its rows (blm_histogram's slices):
 * writes the k keys of query q0 + q to keys[q * k ..]: rows below cut[q] in index order, then the first ties[q] rows
 * at cut[q] in index order. done_below[s * m + q] and done_at[s * m + q] count the rows below and at the cut before
 * slice s (the host sums the earlier slices' histograms; across chunks, the earlier chunks'), so slices write
 * disjoint slots in index order.
 */
BLM_KERNEL void blm_collect(BLM_GLOBAL const blm_u64 *db, blm_i64 n, blm_i64 first, int words,
                            BLM_GLOBAL const blm_u64 *queries, int q0, int m, int slices, BLM_GLOBAL const int *cut,
                            BLM_GLOBAL const int *ties, int k, BLM_GLOBAL int *done_below, BLM_GLOBAL int *done_at,
                            BLM_GLOBAL blm_u64 *keys) {
    BLM_LOCAL_ARRAY(int, below, BLM_COUNT_QT * BLM_MAX_GROUP);
    BLM_LOCAL_ARRAY(int, at, BLM_COUNT_QT * BLM_MAX_GROUP);
    int lid = BLM_LID();
    int size = BLM_LSIZE();
    int tile = BLM_GROUP() / slices;
    int slice = BLM_GROUP() - tile * slices;
    blm_i64 lo, hi;
    blm_slice(n, slice, slices, &lo, &hi);
    int qa = tile * BLM_COUNT_QT;
    int nqt = m - qa < BLM_COUNT_QT ? m - qa : BLM_COUNT_QT;
    BLM_COUNT_EACH(BLM_COUNT_QUERY)
#define BLM_COLLECT_STATE(J) \
    int t##J = cut[qa + (J < nqt ? J : nqt - 1)]; \
    int take##J = ties[qa + (J < nqt ? J : nqt - 1)]; \
    int nb##J = 0; \
    int na##J = 0;
    BLM_COUNT_EACH(BLM_COLLECT_STATE)
#undef BLM_COLLECT_STATE
    /* Each work-item owns a contiguous range of the slice, so its slots follow from counts over the earlier ranges. */
    blm_i64 chunk = (hi - lo + size - 1) / size;
    blm_i64 start = lo + chunk * lid;
    blm_i64 end = start + chunk < hi ? start + chunk : hi;
    for (blm_i64 i = start; i < end; i++) {
        BLM_COUNT_DISTANCES(i)
#define BLM_COLLECT_COUNT(J) nb##J += d##J < t##J; na##J += d##J == t##J;
        BLM_COUNT_EACH(BLM_COLLECT_COUNT)
#undef BLM_COLLECT_COUNT
    }
#define BLM_COLLECT_PUBLISH(J) below[J * BLM_MAX_GROUP + lid] = nb##J; at[J * BLM_MAX_GROUP + lid] = na##J;
    BLM_COUNT_EACH(BLM_COLLECT_PUBLISH)
#undef BLM_COLLECT_PUBLISH
    BLM_BARRIER();
    if (lid < nqt) { /* work-item j: query j's exclusive prefix sums in work-item (= index) order, after earlier chunks */
        BLM_LOCAL int *b = below + lid * BLM_MAX_GROUP;
        BLM_LOCAL int *a = at + lid * BLM_MAX_GROUP;
        blm_i64 done = (blm_i64) slice * m + qa + lid;
        int sb = done_below[done];
        int sa = done_at[done];
        for (int j = 0; j < size; j++) {
            int nb = b[j];
            int na = a[j];
            b[j] = sb;
            a[j] = sa;
            sb += nb;
            sa += na;
        }
        done_below[done] = sb;
        done_at[done] = sa;
    }
    BLM_BARRIER();
#define BLM_COLLECT_SLOTS(J) \
    int slotBelow##J = below[J * BLM_MAX_GROUP + lid]; \
    int slotAt##J = at[J * BLM_MAX_GROUP + lid]; \
    BLM_GLOBAL blm_u64 *out##J = keys + (blm_i64) (qa + J) * k;
    BLM_COUNT_EACH(BLM_COLLECT_SLOTS)
#undef BLM_COLLECT_SLOTS
    for (blm_i64 i = start; i < end; i++) {
        BLM_COUNT_DISTANCES(i)
        blm_u64 index = (blm_u64) (first + i);
#define BLM_COLLECT_WRITE(J) \
        if (J < nqt) { \
            if (d##J < t##J) { \
                out##J[slotBelow##J++] = ((blm_u64) d##J << BLM_INDEX_BITS) | index; \
            } else if (d##J == t##J) { \
                if (slotAt##J < take##J) { \
                    out##J[(k - take##J) + slotAt##J] = ((blm_u64) d##J << BLM_INDEX_BITS) | index; \
                } \
                slotAt##J++; \
            } \
        }
        BLM_COUNT_EACH(BLM_COLLECT_WRITE)
#undef BLM_COLLECT_WRITE
    }
}

/*
 * Inserts key into the ascending list l of count (< k, or == k: the last is dropped) keys; keeps *bound, the key a
 * newcomer must beat, in a register of the caller.
 */
BLM_DEVICE void blm_insert(blm_u64 *l, int *count, int k, blm_u64 key, blm_u64 *bound) {
    int pos = *count < k ? (*count)++ : k - 1;
    BLM_NO_UNROLL
    while (pos > 0 && l[pos - 1] > key) {
        l[pos] = l[pos - 1];
        pos--;
    }
    l[pos] = key;
    if (*count == k) {
        *bound = l[k - 1];
    }
}

/* blm_topk_small (4 queries a work-group) and blm_topk_small8 (8): one template, see binaryllm_topk_tile.h. */
#define BLM_TILE_QT 4
#define BLM_TILE_EACH(X) X(0) X(1) X(2) X(3)
#define BLM_TILE_NAME blm_topk_small
#include "binaryllm_topk_tile.h"
#undef BLM_TILE_QT
#undef BLM_TILE_EACH
#undef BLM_TILE_NAME
#define BLM_TILE_QT 8
#define BLM_TILE_EACH(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define BLM_TILE_NAME blm_topk_small8
#include "binaryllm_topk_tile.h"
#undef BLM_TILE_QT
#undef BLM_TILE_EACH
#undef BLM_TILE_NAME

/*
 * Packing, the GPU side of the sign and hyperplane binarizers, bit for bit: word w of row r holds output bits
 * [64w, 64w + 64), bit i at position i % 64, padding zero. One work-item per (row, word) of the chunk.
 *
 * sign: bit j is x[r][j] > 0 (so -0 and +0 give 0; the host refuses NaN and infinities).
 */
/* This work-item's output word: its row of x and the bits [*start, *end) it packs; 0 past the last word. */
BLM_DEVICE int blm_pack_word(BLM_GLOBAL const float *x, blm_i64 rows, int dims, int bits,
                             BLM_GLOBAL const float **row, int *start, int *end) {
    int words = (bits + 63) / 64;
    blm_i64 t = BLM_GID();
    if (t >= rows * words) {
        return 0;
    }
    blm_i64 r = t / words;
    int w = (int) (t - r * words);
    *row = x + r * dims;
    *start = 64 * w;
    *end = 64 * w + 64 < bits ? 64 * w + 64 : bits;
    return 1;
}

BLM_KERNEL void blm_pack_sign(BLM_GLOBAL const float *x, blm_i64 rows, int dims, BLM_GLOBAL blm_u64 *codes) {
    BLM_GLOBAL const float *row;
    int start, end;
    if (!blm_pack_word(x, rows, dims, dims, &row, &start, &end)) {
        return;
    }
    blm_u64 word = 0;
    for (int j = start; j < end; j++) {
        if (row[j] > 0.0f) {
            word |= (blm_u64) 1 << (j & 63);
        }
    }
    codes[BLM_GID()] = word;
}

/*
 * hyperplane: bit i is (R x)_i > 0 with R the bits x dims projection (row-major) and (R x)_i accumulated in float32
 * from 0 over j = 0..dims-1 as acc = fma(R[i][j], x[j], acc): the operation order HyperplaneBinarizer defines.
 * A fused multiply-add is correctly rounded in OpenCL C and CUDA alike, and nothing here may be contracted or
 * reassociated, so every device computes the same float at every step (denormals included: the programs are
 * built without fast-math or flush-to-zero options).
 */
BLM_KERNEL void blm_pack_hyperplane(BLM_GLOBAL const float *x, blm_i64 rows, int dims, BLM_GLOBAL const float *planes,
                                    int bits, BLM_GLOBAL blm_u64 *codes) {
    BLM_GLOBAL const float *row;
    int start, end;
    if (!blm_pack_word(x, rows, dims, bits, &row, &start, &end)) {
        return;
    }
    blm_u64 word = 0;
    for (int i = start; i < end; i++) {
        BLM_GLOBAL const float *plane = planes + (blm_i64) i * dims;
        float acc = 0.0f;
        for (int j = 0; j < dims; j++) {
            acc = BLM_FMAF(plane[j], row[j], acc);
        }
        if (acc > 0.0f) {
            word |= (blm_u64) 1 << (i & 63);
        }
    }
    codes[BLM_GID()] = word;
}

/*
 * osq keys (OsqScores.java is the specification): work-item i scores row i of the chunk against queries
 * [0, m) of the pass and writes keys[q * n + i]. A row is doc_bits planes of plane_words words, a query query_bits
 * planes; the integer dot product is popcount(doc_a & query_b) << (a + b), summed (exact, any order), then the score
 * takes the eight float32 steps in the specified order, each rounded on its own (BLM_FMUL / BLM_FADD: no contraction),
 * and becomes its key, whose ascending order is the descending score order. The host selects each query's k smallest
 * (key, index) pairs from the keys, in index order.
 */
BLM_KERNEL void blm_osq_keys(BLM_GLOBAL const blm_u64 *db, BLM_GLOBAL const float *dcorr, blm_i64 n, int plane_words,
                             int doc_bits, int query_bits, BLM_GLOBAL const blm_u64 *queries,
                             BLM_GLOBAL const float *qcorr, int m, BLM_GLOBAL int *keys) {
    blm_i64 i = BLM_GID();
    if (i >= n) {
        return;
    }
    BLM_GLOBAL const blm_u64 *row = db + i * doc_bits * plane_words;
    BLM_GLOBAL const float *dc = dcorr + i * 4;
    float ax = dc[0], lx = dc[1], x1 = dc[2], dadd = dc[3];
    for (int q = 0; q < m; q++) {
        BLM_GLOBAL const blm_u64 *qw = queries + (blm_i64) q * query_bits * plane_words;
        blm_i64 dot = 0;
        for (int a = 0; a < doc_bits; a++) {
            for (int b = 0; b < query_bits; b++) {
                int count = 0;
                for (int w = 0; w < plane_words; w++) {
                    count += BLM_POPCOUNT(row[a * plane_words + w] & qw[b * plane_words + w]);
                }
                dot += (blm_i64) count << (a + b);
            }
        }
        BLM_GLOBAL const float *qc = qcorr + q * 4;
        float u = BLM_FMUL(qc[0], x1);
        float v = BLM_FMUL(qc[1], (float) dot);
        float t = BLM_FADD(u, v);
        float s = BLM_FMUL(lx, t);
        float w2 = BLM_FMUL(ax, qc[2]);
        s = BLM_FADD(s, w2);
        s = BLM_FADD(s, qc[3]);
        s = BLM_FADD(s, dadd);
        int bits = BLM_FLOAT_BITS(s);
        keys[(blm_i64) q * n + i] = ~(bits ^ ((bits >> 31) & 0x7fffffff));
    }
}

/*
 * Low-bit sums (LowBitKernel.java is the specification; integer sums, exact in any order). One work-item per output
 * row r in [from, to) and token b: work-item i takes r = from + i % (to - from), b = i / (to - from).
 *   blm_ternary_sums: trits (rows, cols) int8 in {-1, 0, 1}, q (batch, cols) int8, out (batch, rows) int32
 *   blm_tq2_sums:     blocks (rows, cols / 256, 66) TQ2_0 bytes (byte j * 32 + m, bits 2n: weight j * 128 + n * 32 + m,
 *                     stored t + 1), out (batch, rows)
 *   blm_binary_sums:  words (rows, rw) LSB-first sign bits, q (batch, cols) int8, out (batch, rows, cols / group):
 *                     each group's sum of (bit ? q : -q)
 *   blm_sign_sums:    words, x (batch, rw) sign bits, out (batch, rows, cols / group): group - 2 popcount(w ^ x)
 */
BLM_DEVICE int blm_lowbit_item(int from, int to, int batch, int *r, int *b) {
    blm_i64 i = BLM_GID();
    int n = to - from;
    if (i >= (blm_i64) n * batch) {
        return 0;
    }
    *b = (int) (i / n);
    *r = from + (int) (i - (blm_i64) *b * n);
    return 1;
}

BLM_KERNEL void blm_ternary_sums(BLM_GLOBAL const blm_i8 *trits, int rows, int cols, int from, int to,
                                 BLM_GLOBAL const blm_i8 *q, int batch, BLM_GLOBAL int *out) {
    int r, b;
    if (!blm_lowbit_item(from, to, batch, &r, &b)) {
        return;
    }
    BLM_GLOBAL const blm_i8 *t = trits + (blm_i64) r * cols;
    BLM_GLOBAL const blm_i8 *x = q + (blm_i64) b * cols;
    int sum = 0;
    for (int c = 0; c < cols; c++) {
        sum += (int) t[c] * (int) x[c];
    }
    out[(blm_i64) b * rows + r] = sum;
}

BLM_KERNEL void blm_tq2_sums(BLM_GLOBAL const blm_u8 *blocks, int rows, int cols, int from, int to,
                             BLM_GLOBAL const blm_i8 *q, int batch, BLM_GLOBAL int *out) {
    int r, b;
    if (!blm_lowbit_item(from, to, batch, &r, &b)) {
        return;
    }
    int per_row = cols / 256;
    BLM_GLOBAL const blm_i8 *x = q + (blm_i64) b * cols;
    int sum = 0;
    for (int k = 0; k < per_row; k++) {
        BLM_GLOBAL const blm_u8 *blk = blocks + ((blm_i64) r * per_row + k) * 66;
        for (int j = 0; j < 2; j++) {
            for (int m = 0; m < 32; m++) {
                int packed = blk[j * 32 + m];
                for (int n = 0; n < 4; n++) {
                    sum += (((packed >> (2 * n)) & 3) - 1) * (int) x[k * 256 + j * 128 + n * 32 + m];
                }
            }
        }
    }
    out[(blm_i64) b * rows + r] = sum;
}

BLM_KERNEL void blm_binary_sums(BLM_GLOBAL const blm_u64 *words, int rows, int cols, int group, int from, int to,
                                BLM_GLOBAL const blm_i8 *q, int batch, BLM_GLOBAL int *out) {
    int r, b;
    if (!blm_lowbit_item(from, to, batch, &r, &b)) {
        return;
    }
    int rw = (cols + 63) / 64;
    int groups = cols / group;
    BLM_GLOBAL const blm_u64 *w = words + (blm_i64) r * rw;
    BLM_GLOBAL const blm_i8 *x = q + (blm_i64) b * cols;
    for (int g = 0; g < groups; g++) {
        int sum = 0;
        for (int c = g * group; c < (g + 1) * group; c++) {
            int v = (int) x[c];
            sum += ((w[c >> 6] >> (c & 63)) & 1) != 0 ? v : -v;
        }
        out[((blm_i64) b * rows + r) * groups + g] = sum;
    }
}

BLM_KERNEL void blm_sign_sums(BLM_GLOBAL const blm_u64 *words, int rows, int cols, int group, int from, int to,
                              BLM_GLOBAL const blm_u64 *x, int batch, BLM_GLOBAL int *out) {
    int r, b;
    if (!blm_lowbit_item(from, to, batch, &r, &b)) {
        return;
    }
    int rw = (cols + 63) / 64;
    int groups = cols / group;
    BLM_GLOBAL const blm_u64 *w = words + (blm_i64) r * rw;
    BLM_GLOBAL const blm_u64 *s = x + (blm_i64) b * rw;
    for (int g = 0; g < groups; g++) {
        int first = g * group;
        int end = first + group;
        int differ = 0;
        for (int word = first >> 6; word < (end + 63) >> 6; word++) {
            blm_u64 mask = ~(blm_u64) 0;
            if (word == (first >> 6)) {
                mask &= ~(blm_u64) 0 << (first & 63);
            }
            if (word == ((end - 1) >> 6) && (end & 63) != 0) {
                mask &= ~(blm_u64) 0 >> (64 - (end & 63));
            }
            differ += BLM_POPCOUNT((w[word] ^ s[word]) & mask);
        }
        out[((blm_i64) b * rows + r) * groups + g] = group - 2 * differ;
    }
}

#endif
