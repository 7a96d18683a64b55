/*
 * What the Hamming and osq kernels share: the block width, an AVX2 popcount, and the caller's flat heaps
 * (FlatTopK.java), updated in place with exactly its rules: a candidate enters when its distance (or osq key) is
 * strictly below the query's bound, which is exact because candidates arrive in ascending index order.
 */
#ifndef BINARYLLM_KERNEL_H
#define BINARYLLM_KERNEL_H

#include <stdint.h>
#include <immintrin.h>

#define LANES 8

/* popcount of each 64-bit lane: nibble lookup (vpshufb) then a byte sum per lane (vpsadbw). Mula et al. 2018. */
__attribute__((target("avx2")))
static inline __m256i popcnt256(__m256i v) {
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i lo = _mm256_and_si256(v, low);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    __m256i bytes = _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
    return _mm256_sad_epu8(bytes, _mm256_setzero_si256());
}

static inline int greater(int32_t d1, int64_t i1, int32_t d2, int64_t i2) {
    return d1 > d2 || (d1 == d2 && i1 > i2);
}

typedef struct {
    int32_t k;
    int32_t *dist;   /* [queries * k] */
    int64_t *idx;    /* [queries * k] */
    int32_t *sizes;  /* [queries] */
    int32_t *worst;  /* [queries]: INT32_MAX until full, then the root's distance */
} heaps_t;

static void offer(const heaps_t *h, int32_t q, int32_t d, int64_t i) {
    if (d >= h->worst[q]) return;
    int32_t k = h->k;
    int32_t *dist = h->dist + (int64_t) q * k;
    int64_t *idx = h->idx + (int64_t) q * k;
    int32_t size = h->sizes[q];
    if (size < k) {
        int32_t pos = size;
        while (pos > 0) {
            int32_t parent = (pos - 1) >> 1;
            if (!greater(d, i, dist[parent], idx[parent])) break;
            dist[pos] = dist[parent];
            idx[pos] = idx[parent];
            pos = parent;
        }
        dist[pos] = d;
        idx[pos] = i;
        h->sizes[q] = ++size;
    } else {
        int32_t pos = 0;
        for (;;) {
            int32_t child = 2 * pos + 1;
            if (child >= size) break;
            if (child + 1 < size && greater(dist[child + 1], idx[child + 1], dist[child], idx[child])) child++;
            if (!greater(dist[child], idx[child], d, i)) break;
            dist[pos] = dist[child];
            idx[pos] = idx[child];
            pos = child;
        }
        dist[pos] = d;
        idx[pos] = i;
    }
    if (size == k) h->worst[q] = dist[0];
}

/* Offers the lanes of one block (skipping padding past `codes`) and returns the query's new bound. */
static inline int32_t offer_block(const heaps_t *h, int32_t q, const int64_t *lane_dist, int32_t block, int32_t codes,
                                  int64_t first) {
    int32_t base = block * LANES;
    int32_t valid = codes - base < LANES ? codes - base : LANES;
    for (int32_t l = 0; l < valid; l++) offer(h, q, (int32_t) lane_dist[l], first + base + l);
    return h->worst[q];
}

#endif
