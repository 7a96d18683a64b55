package io.binaryllm.internal.vectorization;

import java.util.Arrays;

/**
 * One bounded max-heap of (distance, index) pairs per query, all in flat arrays (so a native kernel can update
 * them in place): query q owns {@code [q * k, (q + 1) * k)} of {@link #distances} and {@link #indices}, with
 * {@code sizes[q]} entries, the worst at the root.
 *
 * <p>{@code worst[q]} is the distance a candidate must be strictly below to enter: the root's distance once the
 * heap is full, else {@code Integer.MAX_VALUE}. Strictly below is exact because each thread offers candidates in
 * ascending index order: a later candidate at the root's distance has a larger index, so it never ranks better.
 */
public final class FlatTopK {
    final int queries;
    final int k;
    final int[] distances;
    final long[] indices;
    final int[] sizes;
    final int[] worst;

    public FlatTopK(int queries, int k) {
        this.queries = queries;
        this.k = k;
        this.distances = new int[Math.multiplyExact(queries, k)];
        this.indices = new long[Math.multiplyExact(queries, k)];
        this.sizes = new int[queries];
        this.worst = new int[queries];
        Arrays.fill(worst, Integer.MAX_VALUE);
    }

    public int k() {
        return k;
    }

    public int[] distances() {
        return distances;
    }

    public long[] indices() {
        return indices;
    }

    public int[] sizes() {
        return sizes;
    }

    public int[] worst() {
        return worst;
    }

    /** The bound for query q: candidates with distance below it may enter. */
    public int worst(int q) {
        return worst[q];
    }

    /** Offers (d, i), which must come after every earlier offer of this query in index order. */
    public void offer(int q, int d, long i) {
        if (d < worst[q]) {
            insert(q, d, i);
        }
    }

    /** Offers (d, i) in any index order: compares with the worst kept pair by (distance, index). */
    public void offerAnyOrder(int q, int d, long i) {
        int root = q * k;
        if (sizes[q] < k || greater(distances[root], indices[root], d, i)) {
            insert(q, d, i);
        }
    }

    /**
     * Empties query q's heap into {@code outIndex/outDistance[offset ..)} in ascending (distance, index) order, by
     * repeatedly moving the worst pair to the end: heapsort, no allocation. Returns how many pairs it wrote.
     */
    public int drainSorted(int q, long[] outIndex, int[] outDistance, int offset) {
        int base = q * k;
        int n = sizes[q];
        for (int last = n - 1; last >= 0; last--) {
            outDistance[offset + last] = distances[base];
            outIndex[offset + last] = indices[base];
            sizes[q] = last;
            if (last > 0) {
                siftDown(base, last, distances[base + last], indices[base + last]);
            }
        }
        worst[q] = Integer.MAX_VALUE;
        return n;
    }

    /** Inserts a pair known to belong among the k best so far. */
    private void insert(int q, int d, long i) {
        int base = q * k;
        int size = sizes[q];
        if (size < k) {
            int pos = size;
            while (pos > 0) {
                int parent = (pos - 1) >>> 1;
                if (!greater(d, i, distances[base + parent], indices[base + parent])) {
                    break;
                }
                distances[base + pos] = distances[base + parent];
                indices[base + pos] = indices[base + parent];
                pos = parent;
            }
            distances[base + pos] = d;
            indices[base + pos] = i;
            sizes[q] = ++size;
        } else {
            siftDown(base, size, d, i);
        }
        if (size == k) {
            worst[q] = distances[base];
        }
    }

    private void siftDown(int base, int size, int d, long i) {
        int pos = 0;
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && greater(distances[base + child + 1], indices[base + child + 1], distances[base + child], indices[base + child])) {
                child++;
            }
            if (!greater(distances[base + child], indices[base + child], d, i)) {
                break;
            }
            distances[base + pos] = distances[base + child];
            indices[base + pos] = indices[base + child];
            pos = child;
        }
        distances[base + pos] = d;
        indices[base + pos] = i;
    }

    static boolean greater(int d1, long i1, int d2, long i2) {
        return d1 > d2 || (d1 == d2 && i1 > i2);
    }
}
