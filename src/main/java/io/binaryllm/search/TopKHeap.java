package io.binaryllm.search;

/**
 * The k smallest (distance, index) pairs seen so far, in a binary max-heap whose root is the worst kept pair.
 * Offering is O(log k) when a pair enters and O(1) when it does not, which is the common case once the heap is full.
 * Reusable: {@link #clear()} between queries.
 */
public final class TopKHeap {
    private final int k;
    private final int[] distance;
    private final long[] index;
    private int size;

    public TopKHeap(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.k = k;
        this.distance = new int[k];
        this.index = new long[k];
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** The distance a new pair must beat (or tie with a smaller index) to enter; MAX_VALUE while not full. */
    public int worstDistance() {
        return size < k ? Integer.MAX_VALUE : distance[0];
    }

    /** Keeps (d, i) if it is among the k smallest so far. */
    public void offer(int d, long i) {
        if (size < k) {
            int pos = size++;
            while (pos > 0) {
                int parent = (pos - 1) >>> 1;
                if (!greater(d, i, distance[parent], index[parent])) {
                    break;
                }
                distance[pos] = distance[parent];
                index[pos] = index[parent];
                pos = parent;
            }
            distance[pos] = d;
            index[pos] = i;
        } else if (greater(distance[0], index[0], d, i)) {
            siftDownFromRoot(d, i);
        }
    }

    /**
     * Empties the heap into {@code outIndex/outDistance[offset .. offset + size)} in ascending (distance, index)
     * order, by repeatedly moving the worst pair to the end: heapsort, no allocation.
     */
    public void drainSorted(long[] outIndex, int[] outDistance, int offset) {
        for (int last = size - 1; last >= 0; last--) {
            outDistance[offset + last] = distance[0];
            outIndex[offset + last] = index[0];
            size = last;
            if (last > 0) {
                siftDownFromRoot(distance[last], index[last]);
            }
        }
    }

    private void siftDownFromRoot(int d, long i) {
        int pos = 0;
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && greater(distance[child + 1], index[child + 1], distance[child], index[child])) {
                child++;
            }
            if (!greater(distance[child], index[child], d, i)) {
                break;
            }
            distance[pos] = distance[child];
            index[pos] = index[child];
            pos = child;
        }
        distance[pos] = d;
        index[pos] = i;
    }

    private static boolean greater(int d1, long i1, int d2, long i2) {
        return d1 > d2 || (d1 == d2 && i1 > i2);
    }
}
