package io.binaryllm.gpu.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host's share of the GPU selection: histogram tiles, row slices, and merging the kernels' key lists. */
class SelectionHostTest {
    @Test
    void histogramTilesFillLocalMemoryWithoutOverflowingIt() {
        for (int bits = 1; bits < 5000; bits++) {
            int qt = CountingTopK.histogramTile(bits + 1);
            assertThat(qt).isBetween(1, CountingTopK.TILE);
            if (bits + 1 <= CountingTopK.LOCAL_BINS) { // local: the tile's histograms fit, one more would not
                assertThat(qt * (bits + 1)).isLessThanOrEqualTo(CountingTopK.LOCAL_BINS);
                assertThat(qt == CountingTopK.TILE || (qt + 1) * (bits + 1) > CountingTopK.LOCAL_BINS).isTrue();
            } else {
                assertThat(qt).isEqualTo(1);
            }
        }
        assertThat(CountingTopK.histogramTile(257)).isEqualTo(4);
        assertThat(CountingTopK.histogramTile(1025)).isEqualTo(4);
        assertThat(CountingTopK.histogramTile(2049)).isEqualTo(2);
    }

    /** Slices' lists merge into each query's k smallest keys; the all-ones padding never wins (as a long it is -1). */
    @Test
    void keyListsMergeIntoTheKSmallestKeysAndPaddingLoses() {
        long none = Keys.NONE;
        long key = (3L << Keys.INDEX_BITS) | 7; // distance 3, index 7
        // 2 lists x 2 queries x k = 2, laid out [(l * queries + q) * k + j]
        long[] keys = {
                (5L << 40) | 1, none,        // list 0, query 0
                key, (9L << 40) | 2,         // list 0, query 1
                (4L << 40) | 8, none,        // list 1, query 0
                (3L << 40) | 6, none};       // list 1, query 1
        long[] indices = new long[4];
        int[] distances = new int[4];
        Keys.unpack(keys, 2, 2, 2, indices, distances, 0);
        assertThat(indices).containsExactly(8, 1, 6, 7);
        assertThat(distances).containsExactly(4, 5, 3, 3);
        long[] tooFew = {none, none, (1L << 40) | 3, none};
        assertThatThrownBy(() -> Keys.unpack(tooFew, 2, 1, 2, new long[2], new int[2], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 keys");
    }

    @Test
    void fewQueriesAreSlicedToFillTheDeviceButNotBelowTheSmallestSlice() {
        assertThat(TopKSearch.rowSlices(10_000, 4, 1_000_000, 1056)).isEqualTo(1);
        assertThat(TopKSearch.rowSlices(1, 4, 1_000_000, 1056)).isEqualTo(244); // 1M / 4096 rows
        assertThat(TopKSearch.rowSlices(100, 4, 1_000_000, 1056)).isEqualTo(43); // 25 tiles x 43 >= 1056
        assertThat(TopKSearch.rowSlices(1, 4, 100, 1056)).isEqualTo(1);
    }

    @Test
    void cutsCountTiesAcrossSlicesAndGiveEachSliceItsFirstSlots() {
        // 2 slices x 1 query, distances 0..2: slice 0 has {0, 1, 1}, slice 1 has {1, 2}; k = 3 cuts at 1, taking 2 of 3 ties.
        int[] hist = {1, 2, 0, /* slice 1 */ 0, 1, 1};
        CountingTopK.Cuts c = CountingTopK.cuts(hist, 2, 1, 3, 3);
        assertThat(c.cut()).containsExactly(1);
        assertThat(c.ties()).containsExactly(2);
        assertThat(c.belowBefore()).containsExactly(0, 1);
        assertThat(c.atBefore()).containsExactly(0, 2);
    }
}
