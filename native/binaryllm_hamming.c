/*
 * BinaryLLM native CPU kernel, called from Java through Panama FFM (io.binaryllm.search.nativec).
 *
 * The same blocked algorithm as the Java `cpu` backend: the database arrives re-laid in tiles of blocks of 8 codes,
 * word w of a block's 8 codes adjacent (tile[(block * words + w) * 8 + lane]), so one 512-bit register holds word w
 * of 8 codes and a distance is vertical XOR / POPCNT / ADD. Selection updates the caller's flat heaps in place with
 * exactly the rules of FlatTopK.java: a candidate enters when its distance is strictly below the query's bound,
 * which is exact because candidates arrive in ascending index order.
 *
 * Three variants, chosen per call (the Java side picks the best the CPU has): AVX-512 VPOPCNTDQ, AVX2 (nibble-table
 * popcount), scalar.
 * Each is compiled with its own target attribute, so the library runs on any x86-64 and needs no -march flag.
 */
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

#include "binaryllm_kernel.h"

/* ------------------------------------------------------------------------------------------------- scalar */

static void topk_scalar(const uint64_t *tile, int32_t codes, int64_t first, int32_t words, const uint64_t *queries,
                        int32_t q0, int32_t q1, const heaps_t *h) {
    for (int32_t q = q0; q < q1; q++) {
        const uint64_t *qw = queries + (int64_t) q * words;
        for (int32_t c = 0; c < codes; c++) {
            const uint64_t *x = tile + (int64_t) (c / LANES) * words * LANES + c % LANES;
            int32_t d = 0;
            for (int32_t w = 0; w < words; w++) d += __builtin_popcountll(x[w * LANES] ^ qw[w]);
            if (d < h->worst[q]) offer(h, q, d, first + c);
        }
    }
}

static void distances_scalar(const uint64_t *tile, int32_t codes, int32_t words, const uint64_t *qw, int32_t *out) {
    for (int32_t c = 0; c < codes; c++) {
        const uint64_t *x = tile + (int64_t) (c / LANES) * words * LANES + c % LANES;
        int32_t d = 0;
        for (int32_t w = 0; w < words; w++) d += __builtin_popcountll(x[w * LANES] ^ qw[w]);
        out[c] = d;
    }
}

/* ------------------------------------------------------------------------------------------------ AVX-512 */

#define QG 8 /* queries sharing each block load */

/* Distances of one query to the 8 codes of one block. */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline))
static inline __m512i block_distance_avx512(const uint64_t *x, int32_t words, const uint64_t *qw) {
    __m512i acc = _mm512_setzero_si512();
    for (int32_t w = 0; w < words; w++)
        acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(
                _mm512_xor_si512(_mm512_loadu_si512(x + w * LANES), _mm512_set1_epi64((long long) qw[w]))));
    return acc;
}

/*
 * The group loop, inlined into one copy per common code width: with `words` a constant, GCC unrolls the word loop
 * and folds each query-word broadcast into its XOR as an embedded {1to8} memory operand.
 */
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline))
static inline void group_avx512(const uint64_t *tile, int32_t blocks, int32_t codes, int64_t first, const int32_t words,
                                const uint64_t *qw, int32_t q, const heaps_t *h) {
    int64_t lane_dist[LANES];
    __m512i bound[QG];
    for (int j = 0; j < QG; j++) bound[j] = _mm512_set1_epi64(h->worst[q + j]);
    for (int32_t b = 0; b < blocks; b++) {
        const uint64_t *x = tile + (int64_t) b * words * LANES;
        __m512i acc[QG];
        __m512i xv = _mm512_loadu_si512(x);
        for (int j = 0; j < QG; j++)
            acc[j] = _mm512_popcnt_epi64(_mm512_xor_si512(xv, _mm512_set1_epi64((long long) qw[j * words])));
        for (int32_t w = 1; w < words; w++) {
            xv = _mm512_loadu_si512(x + w * LANES);
            for (int j = 0; j < QG; j++)
                acc[j] = _mm512_add_epi64(acc[j], _mm512_popcnt_epi64(
                        _mm512_xor_si512(xv, _mm512_set1_epi64((long long) qw[j * words + w]))));
        }
        __mmask8 any = 0;
        __mmask8 m[QG];
        for (int j = 0; j < QG; j++) {
            m[j] = _mm512_cmplt_epi64_mask(acc[j], bound[j]);
            any |= m[j];
        }
        if (__builtin_expect(any != 0, 0)) {
            for (int j = 0; j < QG; j++) {
                if (m[j]) {
                    _mm512_storeu_si512(lane_dist, acc[j]);
                    bound[j] = _mm512_set1_epi64(offer_block(h, q + j, lane_dist, b, codes, first));
                }
            }
        }
    }
}

#define GROUP_CASE(W) case W: group_avx512(tile, blocks, codes, first, W, qw, q, h); break;

__attribute__((target("avx512f,avx512vpopcntdq")))
static void topk_avx512(const uint64_t *tile, int32_t codes, int64_t first, int32_t words, const uint64_t *queries,
                        int32_t q0, int32_t q1, const heaps_t *h) {
    int32_t blocks = (codes + LANES - 1) / LANES;
    int64_t lane_dist[LANES];
    int32_t q = q0;
    for (; q + QG <= q1; q += QG) {
        const uint64_t *qw = queries + (int64_t) q * words;
        switch (words) {
            GROUP_CASE(1) GROUP_CASE(2) GROUP_CASE(3) GROUP_CASE(4) GROUP_CASE(6) GROUP_CASE(8)
            GROUP_CASE(12) GROUP_CASE(16)
            default: group_avx512(tile, blocks, codes, first, words, qw, q, h);
        }
    }
    for (; q < q1; q++) {
        const uint64_t *qw = queries + (int64_t) q * words;
        __m512i bound = _mm512_set1_epi64(h->worst[q]);
        for (int32_t b = 0; b < blocks; b++) {
            __m512i acc = block_distance_avx512(tile + (int64_t) b * words * LANES, words, qw);
            if (_mm512_cmplt_epi64_mask(acc, bound)) {
                _mm512_storeu_si512(lane_dist, acc);
                bound = _mm512_set1_epi64(offer_block(h, q, lane_dist, b, codes, first));
            }
        }
    }
}

__attribute__((target("avx512f,avx512vpopcntdq")))
static void distances_avx512(const uint64_t *tile, int32_t codes, int32_t words, const uint64_t *qw, int32_t *out) {
    int32_t blocks = (codes + LANES - 1) / LANES;
    int64_t lane_dist[LANES];
    for (int32_t b = 0; b < blocks; b++) {
        _mm512_storeu_si512(lane_dist, block_distance_avx512(tile + (int64_t) b * words * LANES, words, qw));
        int32_t valid = codes - b * LANES < LANES ? codes - b * LANES : LANES;
        for (int32_t l = 0; l < valid; l++) out[b * LANES + l] = (int32_t) lane_dist[l];
    }
}

/* --------------------------------------------------------------------------------------------------- AVX2 */

/* Distances of the 8 codes of one block: lanes 0-3 in *lo, 4-7 in *hi. */
__attribute__((target("avx2")))
static inline void block_distance_avx2(const uint64_t *x, int32_t words, const uint64_t *qw, __m256i *lo, __m256i *hi) {
    __m256i acc_lo = _mm256_setzero_si256(), acc_hi = _mm256_setzero_si256();
    for (int32_t w = 0; w < words; w++) {
        __m256i q = _mm256_set1_epi64x((long long) qw[w]);
        acc_lo = _mm256_add_epi64(acc_lo, popcnt256(_mm256_xor_si256(_mm256_loadu_si256((const __m256i *) (x + w * LANES)), q)));
        acc_hi = _mm256_add_epi64(acc_hi, popcnt256(_mm256_xor_si256(_mm256_loadu_si256((const __m256i *) (x + w * LANES + 4)), q)));
    }
    *lo = acc_lo;
    *hi = acc_hi;
}

__attribute__((target("avx2")))
static void topk_avx2(const uint64_t *tile, int32_t codes, int64_t first, int32_t words, const uint64_t *queries,
                      int32_t q0, int32_t q1, const heaps_t *h) {
    int32_t blocks = (codes + LANES - 1) / LANES;
    int64_t lane_dist[LANES];
    for (int32_t q = q0; q < q1; q++) {
        const uint64_t *qw = queries + (int64_t) q * words;
        __m256i bound = _mm256_set1_epi64x(h->worst[q]);
        for (int32_t b = 0; b < blocks; b++) {
            __m256i lo, hi;
            block_distance_avx2(tile + (int64_t) b * words * LANES, words, qw, &lo, &hi);
            /* distance < bound  <=>  bound > distance (signed 64-bit compare; both are small and positive) */
            __m256i lt = _mm256_or_si256(_mm256_cmpgt_epi64(bound, lo), _mm256_cmpgt_epi64(bound, hi));
            if (!_mm256_testz_si256(lt, lt)) {
                _mm256_storeu_si256((__m256i *) lane_dist, lo);
                _mm256_storeu_si256((__m256i *) (lane_dist + 4), hi);
                bound = _mm256_set1_epi64x(offer_block(h, q, lane_dist, b, codes, first));
            }
        }
    }
}

__attribute__((target("avx2")))
static void distances_avx2(const uint64_t *tile, int32_t codes, int32_t words, const uint64_t *qw, int32_t *out) {
    int32_t blocks = (codes + LANES - 1) / LANES;
    int64_t lane_dist[LANES];
    for (int32_t b = 0; b < blocks; b++) {
        __m256i lo, hi;
        block_distance_avx2(tile + (int64_t) b * words * LANES, words, qw, &lo, &hi);
        _mm256_storeu_si256((__m256i *) lane_dist, lo);
        _mm256_storeu_si256((__m256i *) (lane_dist + 4), hi);
        int32_t valid = codes - b * LANES < LANES ? codes - b * LANES : LANES;
        for (int32_t l = 0; l < valid; l++) out[b * LANES + l] = (int32_t) lane_dist[l];
    }
}

/* ------------------------------------------------------------------------------------------------ exports */

/* The best variant this CPU runs: 2 = AVX-512 VPOPCNTDQ, 1 = AVX2, 0 = scalar. */
int32_t blm_best_variant(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq") ? 2
         : __builtin_cpu_supports("avx2") ? 1 : 0;
}

/* `variant` must be one blm_best_variant() allows; the caller checks. No global state: calls are thread-safe. */
void blm_topk(int32_t variant, const uint64_t *tile, int32_t codes, int64_t first, int32_t words, const uint64_t *queries,
              int32_t q0, int32_t q1, int32_t k, int32_t *dist, int64_t *idx, int32_t *sizes, int32_t *worst) {
    heaps_t h = {k, dist, idx, sizes, worst};
    if (variant == 2) topk_avx512(tile, codes, first, words, queries, q0, q1, &h);
    else if (variant == 1) topk_avx2(tile, codes, first, words, queries, q0, q1, &h);
    else topk_scalar(tile, codes, first, words, queries, q0, q1, &h);
}

void blm_distances(int32_t variant, const uint64_t *tile, int32_t codes, int32_t words, const uint64_t *queries,
                   int32_t q, int32_t *out) {
    const uint64_t *qw = queries + (int64_t) q * words;
    if (variant == 2) distances_avx512(tile, codes, words, qw, out);
    else if (variant == 1) distances_avx2(tile, codes, words, qw, out);
    else distances_scalar(tile, codes, words, qw, out);
}
