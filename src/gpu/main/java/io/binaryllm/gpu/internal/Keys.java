package io.binaryllm.gpu.internal;

import java.util.Arrays;

/**
 * The keys the selection kernels write, {@code distance << 40 | index}: unique per row, so sorting them is the
 * (distance, index) order, and the answer cannot depend on how rows were divided between work-items, slices or chunks.
 */
final class Keys {
    /** Bits of the index (BLM_INDEX_BITS). */
    static final int INDEX_BITS = 40;
    /** Rows a database may have. */
    static final long MAX_ROWS = 1L << INDEX_BITS;
    /** Bits a code may have: distances up to 2^23 - 1 keep every key below 2^63, so signed order is key order. */
    static final int MAX_BITS = (1 << 23) - 1;
    /** The kernels' padding, all ones: no key yet (as a long it is -1, and would sort first). */
    static final long NONE = -1L;

    private Keys() {
    }

    /**
     * Each query's k smallest keys of the {@code lists} lists the kernels wrote ({@code keys[(l * queries + q) * k ..]}:
     * the k smallest of list l, padded with {@link #NONE}), sorted and unpacked into
     * {@code indices/distances[offset + q * k ..]}. The union's k smallest are the answer however the rows were cut.
     */
    static void unpack(long[] keys, int lists, int queries, int k, long[] indices, int[] distances, int offset) {
        long mask = (1L << INDEX_BITS) - 1;
        long[] merged = new long[lists * k];
        for (int q = 0; q < queries; q++) {
            int count = 0;
            for (int l = 0; l < lists; l++) {
                for (int j = 0; j < k; j++) {
                    long key = keys[(l * queries + q) * k + j];
                    if (key != NONE) {
                        merged[count++] = key;
                    }
                }
            }
            if (count < k) {
                throw new IllegalStateException("the kernels returned " + count + " keys for query " + q + ", k = " + k);
            }
            Arrays.sort(merged, 0, count);
            for (int j = 0; j < k; j++) {
                long key = merged[j];
                indices[offset + q * k + j] = key & mask;
                distances[offset + q * k + j] = (int) (key >>> INDEX_BITS);
            }
        }
    }
}
