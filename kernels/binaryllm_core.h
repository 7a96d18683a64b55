/*
 * BinaryLLM GPU core: Hamming distance, exact selection and sign/hyperplane packing, written once for OpenCL C and
 * CUDA.
 * binaryllm.cl and binaryllm.cu only include this file, so the code CI runs on pocl is the code that runs on
 * NVIDIA. Layout and order are DESIGN.md's: codes are row-major little-endian 64-bit words, dimension j is bit
 * j % 64 of word j / 64; top-k is the k smallest (distance, index).
 *
 * Selection is a counting selection over the small integer distances, exact for every k <= n and independent of
 * scheduling:
 *   1. blm_histogram: each query's histogram of distances (atomic counts: the totals do not depend on order);
 *      the host derives the cut t (distance of the k-th neighbour) and how many ties at t are taken (e).
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
 * keeps the first k. Keys are unique, so the result is the same however rows are divided.
 * Limits: n < 2^40 rows, codes < 2^23 bits.
 */
#ifndef BINARYLLM_CORE_H
#define BINARYLLM_CORE_H

#ifdef __OPENCL_VERSION__
typedef ulong blm_u64;
typedef long blm_i64;
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
#define BLM_DEVICE static inline
#define BLM_NO_UNROLL
#else /* CUDA */
typedef unsigned long long blm_u64;
typedef long long blm_i64;
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
#define BLM_DEVICE static __device__ __forceinline__
#define BLM_NO_UNROLL _Pragma("unroll 1") /* rarely run loops: unrolled, they cost registers the hot loop needs */
#endif

#define BLM_MAX_GROUP 256   /* work-items per query: the prefix-sum arrays live in local memory */
#define BLM_KMAX 32         /* largest k of blm_topk_small */
#define BLM_SMALL_GROUP 64  /* largest work-group of blm_topk_small: its sort pool is 64 x 32 keys (16 KiB) */
#define BLM_INDEX_BITS 40
#define BLM_LOCAL_BINS 4096 /* histograms of codes under 4096 bits are counted in local memory (16 KiB) */

/* Hamming distance between database row i and one query. */
BLM_DEVICE int blm_distance(BLM_GLOBAL const blm_u64 *db, blm_i64 i, int words, BLM_GLOBAL const blm_u64 *q) {
    BLM_GLOBAL const blm_u64 *row = db + i * words;
    int d = 0;
    for (int w = 0; w < words; w++) {
        d += BLM_POPCOUNT(row[w] ^ q[w]);
    }
    return d;
}

/*
 * One work-group per query of the chunk [q0, q0 + groups): hist[(q - q0) * (bits + 1) + d] counts the rows at d.
 * Codes of fewer than BLM_LOCAL_BINS bits count in local memory and add the totals to hist once: an atomic per
 * pair on global memory, where the few busy bins around bits / 2 serialize, would cost more than the distances.
 * Only this work-group writes its query's row of hist during a launch, so the final add needs no atomics.
 */
BLM_KERNEL void blm_histogram(BLM_GLOBAL const blm_u64 *db, blm_i64 n, int words, BLM_GLOBAL const blm_u64 *queries,
                              int q0, int bits, BLM_GLOBAL int *hist) {
    BLM_LOCAL_ARRAY(int, local_hist, BLM_LOCAL_BINS);
    int g = BLM_GROUP();
    int lid = BLM_LID();
    int size = BLM_LSIZE();
    BLM_GLOBAL const blm_u64 *q = queries + (blm_i64) (q0 + g) * words;
    BLM_GLOBAL int *h = hist + (blm_i64) g * (bits + 1);
    if (bits + 1 > BLM_LOCAL_BINS) { /* uniform: bits is the same for the whole launch */
        for (blm_i64 i = lid; i < n; i += size) {
            BLM_ATOMIC_INC(&h[blm_distance(db, i, words, q)]);
        }
        return;
    }
    for (int d = lid; d <= bits; d += size) {
        local_hist[d] = 0;
    }
    BLM_BARRIER();
    for (blm_i64 i = lid; i < n; i += size) {
        BLM_ATOMIC_INC(&local_hist[blm_distance(db, i, words, q)]);
    }
    BLM_BARRIER();
    for (int d = lid; d <= bits; d += size) {
        h[d] += local_hist[d];
    }
}

/*
 * One work-group per query of the chunk: writes the k keys of query q0 + g to keys[g * k ..]: rows below cut[g]
 * in index order, then the first ties[g] rows at cut[g] in index order.
 */
BLM_KERNEL void blm_collect(BLM_GLOBAL const blm_u64 *db, blm_i64 n, blm_i64 first, int words,
                            BLM_GLOBAL const blm_u64 *queries, int q0, BLM_GLOBAL const int *cut,
                            BLM_GLOBAL const int *ties, int k, BLM_GLOBAL int *done_below, BLM_GLOBAL int *done_at,
                            BLM_GLOBAL blm_u64 *keys) {
    BLM_LOCAL_ARRAY(int, below, BLM_MAX_GROUP);
    BLM_LOCAL_ARRAY(int, at, BLM_MAX_GROUP);
    int g = BLM_GROUP();
    int lid = BLM_LID();
    int size = BLM_LSIZE();
    BLM_GLOBAL const blm_u64 *q = queries + (blm_i64) (q0 + g) * words;
    int t = cut[g];
    int take = ties[g];
    blm_i64 chunk = (n + size - 1) / size;
    blm_i64 start = chunk * lid;
    blm_i64 end = start + chunk < n ? start + chunk : n;
    int nb = 0;
    int na = 0;
    for (blm_i64 i = start; i < end; i++) {
        int d = blm_distance(db, i, words, q);
        nb += d < t;
        na += d == t;
    }
    below[lid] = nb;
    at[lid] = na;
    BLM_BARRIER();
    int before_below = done_below[g];
    int before_at = done_at[g];
    BLM_BARRIER(); /* every work-item has read the counts of earlier chunks before work-item 0 advances them */
    if (lid == 0) { /* exclusive prefix sums in work-item (= index) order, continuing the earlier chunks */
        int sb = before_below;
        int sa = before_at;
        for (int j = 0; j < size; j++) {
            int b = below[j];
            int a = at[j];
            below[j] = sb;
            at[j] = sa;
            sb += b;
            sa += a;
        }
        done_below[g] = sb;
        done_at[g] = sa;
    }
    BLM_BARRIER();
    int slotBelow = below[lid];
    int slotAt = at[lid];
    BLM_GLOBAL blm_u64 *out = keys + (blm_i64) g * k;
    for (blm_i64 i = start; i < end; i++) {
        int d = blm_distance(db, i, words, q);
        if (d < t) {
            out[slotBelow++] = ((blm_u64) d << BLM_INDEX_BITS) | (blm_u64) (first + i);
        } else if (d == t) {
            if (slotAt < take) {
                out[(k - take) + slotAt] = ((blm_u64) d << BLM_INDEX_BITS) | (blm_u64) (first + i);
            }
            slotAt++;
        }
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

#endif
