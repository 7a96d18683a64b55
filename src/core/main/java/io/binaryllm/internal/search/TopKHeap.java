package io.binaryllm.internal.search;

import io.binaryllm.internal.vectorization.FlatTopK;

/**
 * The k smallest (distance, index) pairs offered, in any order: a one-query {@link FlatTopK} with full
 * (distance, index) comparison. Offering is O(log k) when a pair enters and O(1) when it does not. Reusable:
 * {@link #clear()} between queries.
 */
public final class TopKHeap {
    private final FlatTopK heap;

    public TopKHeap(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.heap = new FlatTopK(1, k);
    }

    public void clear() {
        heap.sizes()[0] = 0;
        heap.worst()[0] = Integer.MAX_VALUE;
    }

    public int size() {
        return heap.sizes()[0];
    }

    /** The distance of the worst kept pair once k are kept; MAX_VALUE until then. */
    public int worstDistance() {
        return heap.worst(0);
    }

    /** Keeps (d, i) if it is among the k smallest so far. */
    public void offer(int d, long i) {
        heap.offerAnyOrder(0, d, i);
    }

    /** Empties the heap into {@code outIndex/outDistance[offset .. offset + size)}, ascending (distance, index). */
    public void drainSorted(long[] outIndex, int[] outDistance, int offset) {
        heap.drainSorted(0, outIndex, outDistance, offset);
    }
}
