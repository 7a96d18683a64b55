/*
 * Read bandwidth of this machine, for setting a decoder's speed against its memory bound: for buffers from L2-sized
 * to far beyond the last-level cache, the best of 7 passes that sum every 64-bit word (AVX2 loads where the compiler
 * vectorises them; -O2 -march=native), on 1 thread and on every core (OpenMP), in GB/s (10^9 bytes). Usage:
 *   bandwidth [MiB ...]   (default 0.5 4 16 64 1024)
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* The sum of words [0, n): every byte read once; the result keeps the loop from being dropped. */
static uint64_t sum(const uint64_t *a, size_t n) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
    }
    for (; i < n; i++) s0 += a[i];
    return s0 + s1 + s2 + s3;
}

static double measure(const uint64_t *a, size_t n, int threads, uint64_t *sink) {
    double best = 1e30;
    int passes = n * 8 < (64u << 20) ? 50 : 7; /* small buffers: more passes, each shorter than a timer tick */
    for (int p = 0; p < passes; p++) {
        double t0 = now();
        uint64_t s = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : s) schedule(static)
        for (int c = 0; c < threads; c++) {
            size_t from = n / threads * c, to = c == threads - 1 ? n : n / threads * (c + 1);
            s += sum(a + from, to - from);
        }
        double t = now() - t0;
        *sink += s;
        if (t < best) best = t;
    }
    return n * 8.0 / best / 1e9;
}

int main(int argc, char **argv) {
    double sizes[16] = {0.5, 4, 16, 64, 1024};
    int count = 5;
    if (argc > 1) {
        count = argc - 1 < 16 ? argc - 1 : 16;
        for (int i = 0; i < count; i++) sizes[i] = atof(argv[i + 1]);
    }
    int cores = omp_get_num_procs();
    uint64_t sink = 0;
    printf("| buffer, MiB | 1 thread, GB/s | %d threads, GB/s |\n| --- | --- | --- |\n", cores);
    for (int i = 0; i < count; i++) {
        size_t n = (size_t) (sizes[i] * 1048576 / 8);
        uint64_t *a = malloc(n * 8);
        if (!a) { fprintf(stderr, "bandwidth: cannot allocate %.1f MiB\n", sizes[i]); return 2; }
        for (size_t j = 0; j < n; j++) a[j] = j; /* touched: every page mapped before timing */
        double one = measure(a, n, 1, &sink);
        double all = measure(a, n, cores, &sink);
        printf("| %g | %.1f | %.1f |\n", sizes[i], one, all);
        free(a);
    }
    return sink == 42 ? 1 : 0; /* never: the sums must be used */
}
