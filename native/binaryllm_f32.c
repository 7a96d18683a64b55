/*
 * BinaryLLM native float32 row products: a decoder's projections and classifier (a matrix-vector product, rounded to
 * float) and its attention scores (one head's cached keys against the query, in double), in DotProduct.java's
 * specified order, called from Java through Panama FFM.
 *
 *   w    rows of d float32, `stride` floats apart (a matrix: stride = d)       x    [d] float32
 *   dot(r) = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
 *   where s[l] = sum over j = l, l + 8, ... < d, in j order, of (double) w[r * stride + j] * x[j]
 *   blm_f32_matvec: out[r] = (float) dot(r)          blm_f32_dots: out[r] = dot(r), a double
 *
 * A product of two floats is exact in double, so a fused multiply-add is the specification's multiply then add and
 * only the order of the adds decides the bits: lane l of an eight-double accumulator is s[l], filled from eight
 * floats widened lane for lane. Every variant returns the scalar loop's sums, bit for bit. Three variants, chosen per
 * call (the Java side asks blm_f32_variant once): AVX-512F, AVX2 with FMA, scalar, each with its own target attribute.
 *
 * One row's sum is one chain of dependent adds, so rows run several at a time, their accumulators independent: in
 * cache eight (AVX-512) or four (AVX2) adjacent rows; a matrix larger than a core's L2, read from memory, four rows
 * a quarter of the matrix apart (rows i, i + q, i + 2q, i + 3q), four streams far apart, where adjacent rows read
 * together ran at half one row's rate on this project's Zen 4 (benchmarks/kvcache/f32-row-stream.c).
 */
#include <stdint.h>
#include <immintrin.h>

#define STREAMED_BYTES (2 << 20)
/* x widened once on the stack up to this many columns (an 8 KB frame: the call runs on a Java thread's stack), beyond
 * that widened as it is read; a row that long is read from memory, where the extra conversion costs nothing. */
#define XD_MAX 1024
/* Floats ahead that a streamed row asks for, a cache line every 16 floats: each of the four streams restarts at every
 * call, and a short matrix's streams end before the hardware prefetchers have ramped up (1 KB ahead measured +5% on a
 * 110M-parameter decode against none, 4 KB no better). */
#define PREFETCH 256

/* Where a product's sums go: rounded to float into f, or as they are into g (the other pointer is null). */
typedef struct {
    float *f;
    double *g;
} out_t;

static inline void put(out_t out, int32_t r, double sum) {
    if (out.f) out.f[r] = (float) sum;
    else out.g[r] = sum;
}

static inline double combine(const double *s) {
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* The columns past the last whole block of eight (lane l takes j = blocks + l), then the fixed combination. */
static inline double finish(double *s, const float *row, const float *x, int32_t blocks, int32_t d) {
    for (int32_t j = blocks, l = 0; j < d; j++, l++) s[l] += (double) row[j] * x[j];
    return combine(s);
}

/* ------------------------------------------------------------------------------------------------- scalar */

static void rows_scalar(const float *w, int32_t rows, int32_t d, int64_t stride, const float *x, out_t out) {
    for (int32_t r = 0; r < rows; r++) {
        const float *row = w + r * stride;
        double s[8] = {0};
        for (int32_t j = 0; j < d; j++) s[j & 7] += (double) row[j] * x[j];
        put(out, r, combine(s));
    }
}

/* ------------------------------------------------------------------------------------------------ AVX-512F */

#define AVX512 __attribute__((target("avx512f")))

/* Eight floats at p widened to eight doubles. */
AVX512 static inline __m512d wide8(const float *p) {
    return _mm512_cvtps_pd(_mm256_loadu_ps(p));
}

/* x's whole blocks as doubles: from the widened copy xd when there is one, else widened from x. */
AVX512 static inline __m512d x8(const double *xd, const float *x, int32_t j) {
    return xd ? _mm512_loadu_pd(xd + j) : wide8(x + j);
}

/* Rows first + i * apart (i < 4) of w, whole blocks, into out. */
AVX512 static void rows4_avx512(const float *w, int32_t d, int64_t stride, int32_t first, int32_t apart, const double *xd,
                                const float *x, out_t out) {
    int32_t blocks = d & ~7;
    const float *row[4];
    __m512d a[4];
    for (int i = 0; i < 4; i++) {
        row[i] = w + (first + i * apart) * stride;
        a[i] = _mm512_setzero_pd();
    }
    for (int32_t j = 0; j < blocks; j += 8) {
        if (apart > 1 && !(j & 15))
            for (int i = 0; i < 4; i++) _mm_prefetch((const char *) (row[i] + j + PREFETCH), _MM_HINT_T0);
        __m512d xv = x8(xd, x, j);
        for (int i = 0; i < 4; i++) a[i] = _mm512_fmadd_pd(wide8(row[i] + j), xv, a[i]);
    }
    double s[8];
    for (int i = 0; i < 4; i++) {
        _mm512_storeu_pd(s, a[i]);
        put(out, first + i * apart, finish(s, row[i], x, blocks, d));
    }
}

AVX512 static void rows_avx512(const float *w, int32_t rows, int32_t d, int64_t stride, const float *x, out_t out) {
    int32_t blocks = d & ~7;
    double buffer[XD_MAX];
    const double *xd = 0;
    if (blocks <= XD_MAX) {
        for (int32_t j = 0; j < blocks; j += 8) _mm512_storeu_pd(buffer + j, wide8(x + j));
        xd = buffer;
    }
    double s[64]; /* [8 rows][8 partial sums] */
    int32_t r = 0;
    if (rows * stride * 4 > STREAMED_BYTES) {
        int32_t q = rows / 4;
        for (; r < q; r++) rows4_avx512(w, d, stride, r, q, xd, x, out);
        r = 4 * q;
    } else {
        for (; r + 8 <= rows; r += 8) {
            const float *row = w + r * stride;
            __m512d a[8];
            for (int i = 0; i < 8; i++) a[i] = _mm512_setzero_pd();
            for (int32_t j = 0; j < blocks; j += 8) {
                __m512d xv = x8(xd, x, j);
                for (int i = 0; i < 8; i++) a[i] = _mm512_fmadd_pd(wide8(row + i * stride + j), xv, a[i]);
            }
            for (int i = 0; i < 8; i++) {
                _mm512_storeu_pd(s + 8 * i, a[i]);
                put(out, r + i, finish(s + 8 * i, row + i * stride, x, blocks, d));
            }
        }
    }
    for (; r < rows; r++) {
        const float *row = w + r * stride;
        __m512d a = _mm512_setzero_pd();
        for (int32_t j = 0; j < blocks; j += 8) a = _mm512_fmadd_pd(wide8(row + j), x8(xd, x, j), a);
        _mm512_storeu_pd(s, a);
        put(out, r, finish(s, row, x, blocks, d));
    }
}

/* ------------------------------------------------------------------------------------------------- AVX2 */

#define AVX2 __attribute__((target("avx2,fma")))

/* Four floats at p widened to four doubles. */
AVX2 static inline __m256d wide4(const float *p) {
    return _mm256_cvtps_pd(_mm_loadu_ps(p));
}

/* Rows first + i * apart (i < 4) of w, whole blocks in two 256-bit halves a row (lanes 0-3 and 4-7), into out. */
AVX2 static void rows4_avx2(const float *w, int32_t d, int64_t stride, int32_t first, int32_t apart, const float *x, out_t out) {
    int32_t blocks = d & ~7;
    const float *row[4];
    __m256d lo[4], hi[4];
    for (int i = 0; i < 4; i++) {
        row[i] = w + (first + i * apart) * stride;
        lo[i] = hi[i] = _mm256_setzero_pd();
    }
    for (int32_t j = 0; j < blocks; j += 8) {
        if (apart > 1 && !(j & 15))
            for (int i = 0; i < 4; i++) _mm_prefetch((const char *) (row[i] + j + PREFETCH), _MM_HINT_T0);
        __m256d xl = wide4(x + j), xh = wide4(x + j + 4);
        for (int i = 0; i < 4; i++) {
            lo[i] = _mm256_fmadd_pd(wide4(row[i] + j), xl, lo[i]);
            hi[i] = _mm256_fmadd_pd(wide4(row[i] + j + 4), xh, hi[i]);
        }
    }
    double s[8];
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_pd(s, lo[i]);
        _mm256_storeu_pd(s + 4, hi[i]);
        put(out, first + i * apart, finish(s, row[i], x, blocks, d));
    }
}

/* x widened as it is read (it stays in L1). */
AVX2 static void rows_avx2(const float *w, int32_t rows, int32_t d, int64_t stride, const float *x, out_t out) {
    int32_t blocks = d & ~7;
    int32_t r = 0;
    if (rows * stride * 4 > STREAMED_BYTES) {
        int32_t q = rows / 4;
        for (; r < q; r++) rows4_avx2(w, d, stride, r, q, x, out);
        r = 4 * q;
    } else {
        for (; r + 4 <= rows; r += 4) rows4_avx2(w, d, stride, r, 1, x, out);
    }
    for (; r < rows; r++) {
        const float *row = w + r * stride;
        __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
        for (int32_t j = 0; j < blocks; j += 8) {
            lo = _mm256_fmadd_pd(wide4(row + j), wide4(x + j), lo);
            hi = _mm256_fmadd_pd(wide4(row + j + 4), wide4(x + j + 4), hi);
        }
        double s[8];
        _mm256_storeu_pd(s, lo);
        _mm256_storeu_pd(s + 4, hi);
        put(out, r, finish(s, row, x, blocks, d));
    }
}

/* ------------------------------------------------------------------------------------------------ exports */

/* The best variant this CPU runs: 2 = AVX-512F, 1 = AVX2 with FMA, 0 = scalar. */
int32_t blm_f32_variant(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
}

static void products(int32_t variant, const float *w, int32_t rows, int32_t d, int64_t stride, const float *x, out_t out) {
    if (variant == 2) rows_avx512(w, rows, d, stride, x, out);
    else if (variant == 1) rows_avx2(w, rows, d, stride, x, out);
    else rows_scalar(w, rows, d, stride, x, out);
}

/* out[outOffset + r] for the (rows, d) matrix at w + wOffset and x + xOffset, with the `variant` (one that
 * blm_f32_variant() allows; the caller checks). Offsets are in floats, so Java passes whole arrays. */
void blm_f32_matvec(int32_t variant, const float *w, int32_t wOffset, int32_t rows, int32_t d, const float *x, int32_t xOffset,
                    float *out, int32_t outOffset) {
    products(variant, w + wOffset, rows, d, d, x + xOffset, (out_t) {out + outOffset, 0});
}

/* out[outOffset + r] = dot(r) in double for `rows` rows of d floats `stride` apart from w + wOffset. */
void blm_f32_dots(int32_t variant, const float *x, int32_t xOffset, const float *w, int32_t wOffset, int32_t stride, int32_t rows,
                  int32_t d, double *out, int32_t outOffset) {
    products(variant, w + wOffset, rows, d, stride, x + xOffset, (out_t) {0, out + outOffset});
}
