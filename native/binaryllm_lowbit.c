/*
 * BinaryLLM native low-bit kernels: the int32 sums of ternary x int8 linear layers (LowBitKernel.java specifies
 * them), called from Java through Panama FFM.
 *
 *   trits  (rows, cols) int8, each -1, 0 or +1          blocks (rows, cols / 256, 66) TQ2_0 (ggml-common.h's block_tq2_0)
 *   q      (batch, cols) int8 activations               out    (batch, rows) int32
 *   out[b * rows + r] = sum over c of w(r, c) * q[b * cols + c]      for rows r in [from, to)
 *
 * The SIMD variants multiply the unsigned value t + 1 (0, 1, 2: what TQ2_0 stores) by the signed activation, the
 * form the u8 x s8 instructions take (vpdpbusd, vpmaddubsw), and subtract the activations' sum once a row: integer
 * arithmetic that cannot overflow (a vpmaddubsw pair is at most 2 x 2 x 128 in magnitude), so every variant returns
 * the scalar loop's ints. Three variants, chosen per call (the Java side asks blm_lowbit_variant once): AVX-512 VNNI,
 * AVX2, scalar, each compiled with its own target attribute.
 */
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

/* ------------------------------------------------------------------------------------------------- scalar */

static int32_t ternary_row_scalar(const void *row, const int8_t *q, int32_t cols, int32_t qsum) {
    const int8_t *t = row;
    (void) qsum;
    int32_t sum = 0;
    for (int32_t c = 0; c < cols; c++) sum += t[c] * q[c];
    return sum;
}

/* Byte j * 32 + m of a block holds weights j * 128 + n * 32 + m (n = 0..3) as 2-bit values t + 1. */
static int32_t tq2_row_scalar(const void *blocks, const int8_t *q, int32_t cols, int32_t qsum) {
    const uint8_t *row = blocks;
    (void) qsum;
    int32_t sum = 0;
    for (int32_t b = 0; b < cols / 256; b++) {
        const uint8_t *blk = row + (int64_t) b * 66;
        for (int32_t j = 0; j < 2; j++)
            for (int32_t m = 0; m < 32; m++)
                for (int32_t n = 0; n < 4; n++)
                    sum += (((blk[j * 32 + m] >> (2 * n)) & 3) - 1) * q[b * 256 + j * 128 + n * 32 + m];
    }
    return sum;
}

/* --------------------------------------------------------------------------------------------- AVX-512 VNNI */

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))

VNNI static int32_t ternary_row_vnni(const void *row, const int8_t *q, int32_t cols, int32_t qsum) {
    const int8_t *t = row;
    const __m512i one = _mm512_set1_epi8(1);
    __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
    int32_t c = 0;
    for (; c + 128 <= cols; c += 128) {
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_add_epi8(_mm512_loadu_si512(t + c), one), _mm512_loadu_si512(q + c));
        acc1 = _mm512_dpbusd_epi32(acc1, _mm512_add_epi8(_mm512_loadu_si512(t + c + 64), one), _mm512_loadu_si512(q + c + 64));
    }
    for (; c < cols; c += 64) {
        /* masked lanes load 0 activations: their t + 1 multiplies nothing */
        __mmask64 m = cols - c >= 64 ? ~(__mmask64) 0 : (((__mmask64) 1) << (cols - c)) - 1;
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_add_epi8(_mm512_maskz_loadu_epi8(m, t + c), one), _mm512_maskz_loadu_epi8(m, q + c));
    }
    return _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1)) - qsum;
}

/* Four rows at once, sharing each load of the activations and the call (a sum of ints is the same in any order). */
VNNI static void ternary_rows4_vnni(const void *rows, int64_t row_bytes, const int8_t *q, int32_t cols, int32_t qsum, int32_t *out) {
    const int8_t *t = rows;
    const __m512i one = _mm512_set1_epi8(1);
    __m512i acc[4];
    for (int i = 0; i < 4; i++) acc[i] = _mm512_setzero_si512();
    for (int32_t c = 0; c < cols; c += 64) {
        __mmask64 m = cols - c >= 64 ? ~(__mmask64) 0 : (((__mmask64) 1) << (cols - c)) - 1;
        __m512i x = _mm512_maskz_loadu_epi8(m, q + c);
        for (int i = 0; i < 4; i++)
            acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_add_epi8(_mm512_maskz_loadu_epi8(m, t + i * row_bytes + c), one), x);
    }
    for (int i = 0; i < 4; i++) out[i] = _mm512_reduce_add_epi32(acc[i]) - qsum;
}

/* A block's 64 bytes in one register: lanes 0-31 are half j = 0 (activations n * 32 + m), lanes 32-63 half 1
 * (128 + n * 32 + m); field n of every lane is one vpdpbusd against the two halves' activations. */
VNNI static int32_t tq2_row_vnni(const void *blocks, const int8_t *q, int32_t cols, int32_t qsum) {
    const uint8_t *row = blocks;
    const __m512i three = _mm512_set1_epi8(3);
    __m512i acc = _mm512_setzero_si512();
    for (int32_t b = 0; b < cols / 256; b++) {
        __m512i packed = _mm512_loadu_si512(row + (int64_t) b * 66);
        const int8_t *x = q + b * 256;
        for (int32_t n = 0; n < 4; n++) {
            __m512i codes = _mm512_and_si512(_mm512_srli_epi16(packed, 2 * n), three);
            __m512i act = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *) (x + n * 32))),
                                             _mm256_loadu_si256((const __m256i *) (x + 128 + n * 32)), 1);
            acc = _mm512_dpbusd_epi32(acc, codes, act);
        }
    }
    return _mm512_reduce_add_epi32(acc) - qsum;
}

/* --------------------------------------------------------------------------------------------------- AVX2 */

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256i dot_u8s8(__m256i acc, __m256i u, __m256i s) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
}

AVX2 static int32_t hsum256(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

AVX2 static int32_t ternary_row_avx2(const void *row, const int8_t *q, int32_t cols, int32_t qsum) {
    const int8_t *t = row;
    const __m256i one = _mm256_set1_epi8(1);
    __m256i acc = _mm256_setzero_si256();
    int32_t c = 0;
    for (; c + 32 <= cols; c += 32)
        acc = dot_u8s8(acc, _mm256_add_epi8(_mm256_loadu_si256((const __m256i *) (t + c)), one),
                       _mm256_loadu_si256((const __m256i *) (q + c)));
    if (c < cols) { /* the tail through zero-padded copies: padding activations are 0 */
        int8_t tt[32] = {0}, qq[32] = {0};
        memcpy(tt, t + c, (size_t) (cols - c));
        memcpy(qq, q + c, (size_t) (cols - c));
        acc = dot_u8s8(acc, _mm256_add_epi8(_mm256_loadu_si256((const __m256i *) tt), one), _mm256_loadu_si256((const __m256i *) qq));
    }
    return hsum256(acc) - qsum;
}

AVX2 static int32_t tq2_row_avx2(const void *blocks, const int8_t *q, int32_t cols, int32_t qsum) {
    const uint8_t *row = blocks;
    const __m256i three = _mm256_set1_epi8(3);
    __m256i acc = _mm256_setzero_si256();
    for (int32_t b = 0; b < cols / 256; b++) {
        for (int32_t j = 0; j < 2; j++) {
            __m256i packed = _mm256_loadu_si256((const __m256i *) (row + (int64_t) b * 66 + j * 32));
            const int8_t *x = q + b * 256 + j * 128;
            for (int32_t n = 0; n < 4; n++)
                acc = dot_u8s8(acc, _mm256_and_si256(_mm256_srli_epi16(packed, 2 * n), three),
                               _mm256_loadu_si256((const __m256i *) (x + n * 32)));
        }
    }
    return hsum256(acc) - qsum;
}

/* ------------------------------------------------------------------------------------------------ exports */

/* The best variant this CPU runs: 2 = AVX-512 VNNI, 1 = AVX2, 0 = scalar. */
int32_t blm_lowbit_variant(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni") ? 2
         : __builtin_cpu_supports("avx2") ? 1 : 0;
}

static int32_t activation_sum(const int8_t *q, int32_t cols) {
    int32_t s = 0;
    for (int32_t c = 0; c < cols; c++) s += q[c];
    return s;
}

#define CHUNK 64 /* activation rows whose sums are taken once a call */

/* One weight row against one token's activations: the row's bytes, the activations, their count and their sum. */
typedef int32_t (*row_fn)(const void *row, const int8_t *q, int32_t cols, int32_t qsum);

/* Four adjacent rows (row_bytes apart) against one token's activations, into out[0..3]; null where a variant has none. */
typedef void (*rows4_fn)(const void *rows, int64_t row_bytes, const int8_t *q, int32_t cols, int32_t qsum, int32_t *out);

/* Rows [from, to) of `weights` (`row_bytes` a row) against every token, with the variant's row function; weight rows
 * outside activation rows: a row is read from memory once a chunk of the batch and stays in L1 meanwhile. */
static void sums(row_fn f, rows4_fn f4, const uint8_t *weights, int64_t row_bytes, int32_t rows, int32_t cols, int32_t from, int32_t to,
                 const int8_t *q, int32_t batch, int32_t *out) {
    int32_t qsum[CHUNK];
    for (int32_t b0 = 0; b0 < batch; b0 += CHUNK) {
        int32_t b1 = batch - b0 < CHUNK ? batch : b0 + CHUNK;
        for (int32_t b = b0; b < b1; b++) qsum[b - b0] = activation_sum(q + (int64_t) b * cols, cols);
        int32_t r = from;
        if (f4) /* four rows at a time: a short row's call and reduction cost as much as its products */
            for (; r + 4 <= to; r += 4)
                for (int32_t b = b0; b < b1; b++)
                    f4(weights + (int64_t) r * row_bytes, row_bytes, q + (int64_t) b * cols, cols, qsum[b - b0], out + (int64_t) b * rows + r);
        for (; r < to; r++) {
            const uint8_t *row = weights + (int64_t) r * row_bytes;
            for (int32_t b = b0; b < b1; b++) out[(int64_t) b * rows + r] = f(row, q + (int64_t) b * cols, cols, qsum[b - b0]);
        }
    }
}

/* `variant` must be one blm_lowbit_variant() allows; the caller checks. */
void blm_ternary_sums(int32_t variant, const int8_t *trits, int32_t rows, int32_t cols, int32_t from, int32_t to,
                      const int8_t *q, int32_t batch, int32_t *out) {
    row_fn f = variant == 2 ? ternary_row_vnni : variant == 1 ? ternary_row_avx2 : ternary_row_scalar;
    sums(f, variant == 2 ? ternary_rows4_vnni : 0, (const uint8_t *) trits, cols, rows, cols, from, to, q, batch, out);
}

void blm_tq2_sums(int32_t variant, const uint8_t *blocks, int32_t rows, int32_t cols, int32_t from, int32_t to,
                  const int8_t *q, int32_t batch, int32_t *out) {
    row_fn f = variant == 2 ? tq2_row_vnni : variant == 1 ? tq2_row_avx2 : tq2_row_scalar;
    sums(f, 0, blocks, (int64_t) (cols / 256) * 66, rows, cols, from, to, q, batch, out);
}
