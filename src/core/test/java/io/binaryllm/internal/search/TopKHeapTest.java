package io.binaryllm.internal.search;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TopKHeapTest {
    @Test
    void keepsTheKSmallestPairsInAnyOfferOrder() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(300);
            int k = 1 + r.nextInt(n);
            int[] dist = IntStream.range(0, n).map(i -> r.nextInt(6)).toArray();
            long[] idx = IntStream.range(0, n).mapToLong(i -> i * 3L + (1L << 33)).toArray(); // beyond int range
            // Offer in a shuffled order: the heap must not rely on ascending indices.
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                Integer t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            TopKHeap heap = new TopKHeap(k);
            for (int i : order) {
                heap.offer(dist[i], idx[i]);
            }
            long[] outI = new long[k];
            int[] outD = new int[k];
            heap.drainSorted(outI, outD, 0);
            Integer[] sorted = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(sorted, Comparator.<Integer>comparingInt(i -> dist[i]).thenComparingLong(i -> idx[i]));
            for (int i = 0; i < k; i++) {
                assertThat(outI[i]).isEqualTo(idx[sorted[i]]);
                assertThat(outD[i]).isEqualTo(dist[sorted[i]]);
            }
            assertThat(heap.size()).isZero();
        }
    }

    @Test
    void worstDistanceIsMaxUntilFull() {
        TopKHeap heap = new TopKHeap(2);
        heap.offer(5, 0);
        assertThat(heap.worstDistance()).isEqualTo(Integer.MAX_VALUE);
        heap.offer(3, 1);
        assertThat(heap.worstDistance()).isEqualTo(5);
        heap.offer(4, 2);
        assertThat(heap.worstDistance()).isEqualTo(4);
    }
}
