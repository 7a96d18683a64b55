/*
 * BinaryLLM native osq kernel, called from Java through Panama FFM (NativeOsqKernel.java).
 *
 * The database arrives as the Hamming kernel's tiles: blocks of 8 codes, word w of a block's codes adjacent, a code
 * being doc_bits planes of plane_words words. For every (code, query) pair it computes the exact integer dot product
 * of the quantized vectors from bit planes (popcount(doc_i & query_j) << (i + j), summed), then the score in the
 * order OsqScores.java specifies, and offers its key to the query's heap.
 *
 * The float steps must round exactly as Java's do: one float32 operation each, never fused into a multiply-add. The
 * library is compiled with -ffp-contract=off for that (an AVX-512 target enables FMA, and GCC fuses by default).
 */
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

#include "binaryllm_kernel.h"

#define CORRECTIONS 4

/* OsqScores.score: document corrections (ax, lx, x1, dadd), query corrections (ay, ly, q1, q0). */
static inline float osq_score(int64_t qc, const float *dc, const float *qcr) {
    float u = qcr[0] * dc[2];
    float v = qcr[1] * (float) qc;
    float t = u + v;
    float s = dc[1] * t;
    float w = dc[0] * qcr[2];
    s = s + w;
    s = s + qcr[3];
    return s + dc[3];
}

/* OsqScores.key: ascending keys are descending scores. */
static inline int32_t osq_key(float score) {
    int32_t bits;
    memcpy(&bits, &score, sizeof bits);
    return ~(bits ^ ((bits >> 31) & 0x7fffffff));
}

/* Scores the valid lanes of one block for query q and offers them; dcorr is row-major from database row 0. */
static inline void offer_scores(const heaps_t *h, int32_t q, const int64_t *dots, int32_t valid, int64_t index,
                                const float *dcorr, const float *qcr) {
    for (int32_t l = 0; l < valid; l++) {
        int32_t key = osq_key(osq_score(dots[l], dcorr + (index + l) * CORRECTIONS, qcr));
        if (key < h->worst[q]) offer(h, q, key, index + l);
    }
}

typedef struct {
    int32_t plane_words, doc_bits, query_bits;
    const uint64_t *queries; /* [queries][query_bits * plane_words] */
    const float *qcorr;      /* [queries][4] */
    const float *dcorr;      /* [database rows][4]: ax, lx, x1, dadd */
} osq_t;

static void osq_scalar(const uint64_t *tile, int32_t codes, int64_t first, const osq_t *o, int32_t q0, int32_t q1,
                       const heaps_t *h) {
    int32_t pw = o->plane_words, words = o->doc_bits * pw, qwords = o->query_bits * pw;
    int32_t blocks = (codes + LANES - 1) / LANES;
    int64_t dots[LANES];
    for (int32_t b = 0; b < blocks; b++) {
        const uint64_t *x = tile + (int64_t) b * words * LANES;
        int32_t valid = codes - b * LANES < LANES ? codes - b * LANES : LANES;
        for (int32_t q = q0; q < q1; q++) {
            const uint64_t *qw = o->queries + (int64_t) q * qwords;
            for (int32_t l = 0; l < valid; l++) {
                int64_t dot = 0;
                for (int32_t i = 0; i < o->doc_bits; i++)
                    for (int32_t j = 0; j < o->query_bits; j++) {
                        int64_t count = 0;
                        for (int32_t w = 0; w < pw; w++)
                            count += __builtin_popcountll(x[(i * pw + w) * LANES + l] & qw[j * pw + w]);
                        dot += count << (i + j);
                    }
                dots[l] = dot;
            }
            offer_scores(h, q, dots, valid, first + b * LANES, o->dcorr, o->qcorr + (int64_t) q * CORRECTIONS);
        }
    }
}

/*
 * AVX-512: the integer part as vertical AND / VPOPCNTQ / ADD on a block's 8 codes, the float part on 8 lanes at once
 * (VCVTQQ2PS, then separate multiplies and adds: each lane rounds exactly as the scalar steps), the keys compared with
 * the query's bound in one instruction; only a block with a lane below it reaches the heap.
 */
#define OSQ512 __attribute__((target("avx512f,avx512vpopcntdq,avx512dq,avx512vl"), always_inline)) static inline

OSQ512 __m512i dot_avx512(const uint64_t *x, const uint64_t *qw, int32_t pw, int32_t doc_bits, int32_t query_bits) {
    __m512i acc = _mm512_setzero_si512();
    for (int32_t i = 0; i < doc_bits; i++)
        for (int32_t j = 0; j < query_bits; j++) {
            __m512i count = _mm512_setzero_si512();
            for (int32_t w = 0; w < pw; w++)
                count = _mm512_add_epi64(count, _mm512_popcnt_epi64(_mm512_and_si512(
                        _mm512_loadu_si512(x + (i * pw + w) * LANES), _mm512_set1_epi64((long long) qw[j * pw + w]))));
            acc = _mm512_add_epi64(acc, _mm512_slli_epi64(count, (unsigned) (i + j)));
        }
    return acc;
}

/* One block's pass over queries [q0, q1): pw, doc_bits and query_bits are constants in the specialised copies. */
OSQ512 void block_avx512(const uint64_t *x, const float *cb, int64_t index, __mmask8 valid, const osq_t *o,
                         int32_t pw, int32_t doc_bits, int32_t query_bits, int32_t q0, int32_t q1, const heaps_t *h) {
    __m256 ax = _mm256_loadu_ps(cb), lx = _mm256_loadu_ps(cb + LANES);
    __m256 x1 = _mm256_loadu_ps(cb + 2 * LANES), dadd = _mm256_loadu_ps(cb + 3 * LANES);
    const __m256i magnitude = _mm256_set1_epi32(0x7fffffff), ones = _mm256_set1_epi32(-1);
    int32_t keys[LANES];
    for (int32_t q = q0; q < q1; q++) {
        const uint64_t *qw = o->queries + (int64_t) q * query_bits * pw;
        const float *qc = o->qcorr + (int64_t) q * CORRECTIONS;
        __m256 dot = _mm512_cvtepi64_ps(dot_avx512(x, qw, pw, doc_bits, query_bits));
        __m256 u = _mm256_mul_ps(_mm256_set1_ps(qc[0]), x1);
        __m256 v = _mm256_mul_ps(_mm256_set1_ps(qc[1]), dot);
        __m256 s = _mm256_mul_ps(lx, _mm256_add_ps(u, v));
        s = _mm256_add_ps(s, _mm256_mul_ps(ax, _mm256_set1_ps(qc[2])));
        s = _mm256_add_ps(s, _mm256_set1_ps(qc[3]));
        s = _mm256_add_ps(s, dadd);
        __m256i bits = _mm256_castps_si256(s);
        __m256i key = _mm256_xor_si256(_mm256_xor_si256(bits, _mm256_and_si256(_mm256_srai_epi32(bits, 31), magnitude)), ones);
        __mmask8 enter = _mm256_mask_cmplt_epi32_mask(valid, key, _mm256_set1_epi32(h->worst[q]));
        if (__builtin_expect(enter != 0, 0)) {
            _mm256_storeu_si256((__m256i *) keys, key);
            for (int32_t l = 0; l < LANES; l++)
                if (((enter >> l) & 1) && keys[l] < h->worst[q]) offer(h, q, keys[l], index + l);
        }
    }
}

/*
 * One block, with the widths as constants where they are MiniLM's (6-word planes: 384 dims, or 12: 768) so GCC unrolls
 * the word loops; other widths take the generic copy.
 */
#define OSQ_CASE(PW, DB, QB) \
    if (pw == PW && o->doc_bits == DB && o->query_bits == QB) { block_avx512(x, cb, index, valid, o, PW, DB, QB, q0, q1, h); return; }

OSQ512 void block_dispatch(const uint64_t *x, const float *cb, int64_t index, __mmask8 valid, const osq_t *o,
                           int32_t q0, int32_t q1, const heaps_t *h) {
    int32_t pw = o->plane_words;
    OSQ_CASE(6, 1, 4) OSQ_CASE(6, 2, 4) OSQ_CASE(6, 4, 4) OSQ_CASE(6, 1, 8) OSQ_CASE(6, 2, 8) OSQ_CASE(6, 4, 8)
    OSQ_CASE(12, 1, 4) OSQ_CASE(12, 2, 4) OSQ_CASE(12, 4, 4)
    block_avx512(x, cb, index, valid, o, pw, o->doc_bits, o->query_bits, q0, q1, h);
}

__attribute__((target("avx512f,avx512vpopcntdq,avx512dq,avx512vl")))
static void osq_avx512(const uint64_t *tile, int32_t codes, int64_t first, const osq_t *o, int32_t q0, int32_t q1,
                       const heaps_t *h) {
    int32_t pw = o->plane_words, words = o->doc_bits * pw;
    int32_t blocks = (codes + LANES - 1) / LANES;
    for (int32_t b = 0; b < blocks; b++) {
        const uint64_t *x = tile + (int64_t) b * words * LANES;
        int64_t index = first + b * LANES;
        int32_t valid_lanes = codes - b * LANES < LANES ? codes - b * LANES : LANES;
        /* The block's corrections as [4][8] (zero past the valid lanes): one load a correction for all 8 lanes. */
        float cb[CORRECTIONS * LANES] = {0};
        for (int32_t l = 0; l < valid_lanes; l++)
            for (int32_t c = 0; c < CORRECTIONS; c++) cb[c * LANES + l] = o->dcorr[(index + l) * CORRECTIONS + c];
        block_dispatch(x, cb, index, (__mmask8) ((1u << valid_lanes) - 1), o, q0, q1, h);
    }
}

__attribute__((target("avx2")))
static void osq_avx2(const uint64_t *tile, int32_t codes, int64_t first, const osq_t *o, int32_t q0, int32_t q1,
                     const heaps_t *h) {
    int32_t pw = o->plane_words, words = o->doc_bits * pw, qwords = o->query_bits * pw;
    int32_t blocks = (codes + LANES - 1) / LANES;
    int64_t dots[LANES];
    for (int32_t b = 0; b < blocks; b++) {
        const uint64_t *x = tile + (int64_t) b * words * LANES;
        int32_t valid = codes - b * LANES < LANES ? codes - b * LANES : LANES;
        for (int32_t q = q0; q < q1; q++) {
            const uint64_t *qw = o->queries + (int64_t) q * qwords;
            __m256i acc_lo = _mm256_setzero_si256(), acc_hi = _mm256_setzero_si256();
            for (int32_t i = 0; i < o->doc_bits; i++)
                for (int32_t j = 0; j < o->query_bits; j++) {
                    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
                    for (int32_t w = 0; w < pw; w++) {
                        __m256i qv = _mm256_set1_epi64x((long long) qw[j * pw + w]);
                        const uint64_t *p = x + (i * pw + w) * LANES;
                        lo = _mm256_add_epi64(lo, popcnt256(_mm256_and_si256(_mm256_loadu_si256((const __m256i *) p), qv)));
                        hi = _mm256_add_epi64(hi, popcnt256(_mm256_and_si256(_mm256_loadu_si256((const __m256i *) (p + 4)), qv)));
                    }
                    __m128i shift = _mm_cvtsi32_si128(i + j);
                    acc_lo = _mm256_add_epi64(acc_lo, _mm256_sll_epi64(lo, shift));
                    acc_hi = _mm256_add_epi64(acc_hi, _mm256_sll_epi64(hi, shift));
                }
            _mm256_storeu_si256((__m256i *) dots, acc_lo);
            _mm256_storeu_si256((__m256i *) (dots + 4), acc_hi);
            offer_scores(h, q, dots, valid, first + b * LANES, o->dcorr, o->qcorr + (int64_t) q * CORRECTIONS);
        }
    }
}

/* The AVX-512 osq loop also needs DQ (VCVTQQ2PS) and VL (256-bit masks): every VPOPCNTDQ CPU but Knights Mill has them. */
static int has_avx512_dq_vl(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

/* `variant` as for blm_topk (2 AVX-512, 1 AVX2, 0 scalar); dcorr is row-major from database row 0. Thread-safe. */
void blm_osq_topk(int32_t variant, const uint64_t *tile, int32_t codes, int64_t first, int32_t plane_words,
                  int32_t doc_bits, int32_t query_bits, const uint64_t *queries, const float *qcorr, const float *dcorr,
                  int32_t q0, int32_t q1, int32_t k, int32_t *dist, int64_t *idx, int32_t *sizes, int32_t *worst) {
    heaps_t h = {k, dist, idx, sizes, worst};
    osq_t o = {plane_words, doc_bits, query_bits, queries, qcorr, dcorr};
    if (variant == 2 && has_avx512_dq_vl()) osq_avx512(tile, codes, first, &o, q0, q1, &h);
    else if (variant >= 1) osq_avx2(tile, codes, first, &o, q0, q1, &h);
    else osq_scalar(tile, codes, first, &o, q0, q1, &h);
}
