package io.binaryllm.search.gpu;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's sizes of the counting kernels must be the kernel source's: the two are compiled apart. */
class CountingSelectionTest {
    private static int define(String name) {
        Matcher m = Pattern.compile("(?m)^#define " + name + " (\\d+)").matcher(KernelSources.read("binaryllm_core.h"));
        assertThat(m.find()).as("#define %s in binaryllm_core.h", name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void hostConstantsMatchTheKernels() {
        assertThat(CountingSelection.LOCAL_BINS).isEqualTo(define("BLM_LOCAL_BINS"));
        assertThat(CountingSelection.COUNT_TILE).isEqualTo(define("BLM_COUNT_QT"));
        assertThat(CountingSelection.SMALL_K).isEqualTo(define("BLM_KMAX"));
        assertThat(CountingSelection.SMALL_GROUP).isEqualTo(define("BLM_SMALL_GROUP"));
        assertThat(CountingSelection.INDEX_BITS).isEqualTo(define("BLM_INDEX_BITS"));
    }

    @Test
    void histogramTilesFillLocalMemoryWithoutOverflowingIt() {
        for (int bits = 1; bits < 5000; bits++) {
            int qt = CountingSelection.histogramTile(bits + 1);
            assertThat(qt).isBetween(1, CountingSelection.COUNT_TILE);
            if (bits + 1 <= CountingSelection.LOCAL_BINS) { // local: the tile's histograms fit, one more would not
                assertThat(qt * (bits + 1)).isLessThanOrEqualTo(CountingSelection.LOCAL_BINS);
                assertThat(qt == CountingSelection.COUNT_TILE || (qt + 1) * (bits + 1) > CountingSelection.LOCAL_BINS).isTrue();
            } else {
                assertThat(qt).isEqualTo(1);
            }
        }
        assertThat(CountingSelection.histogramTile(257)).isEqualTo(4);
        assertThat(CountingSelection.histogramTile(1025)).isEqualTo(4);
        assertThat(CountingSelection.histogramTile(2049)).isEqualTo(2);
    }

    /** Slices' lists merge into each query's k smallest keys; the all-ones padding never wins (as a long it is -1). */
    @Test
    void slicesMergeIntoTheKSmallestKeysAndPaddingLoses() {
        long none = -1L;
        long key = (3L << CountingSelection.INDEX_BITS) | 7; // distance 3, index 7
        // 2 slices x 2 queries x k = 2, laid out [(s * queries + q) * k + j]
        long[] keys = {
                (5L << 40) | 1, none,        // slice 0, query 0
                key, (9L << 40) | 2,         // slice 0, query 1
                (4L << 40) | 8, none,        // slice 1, query 0
                (3L << 40) | 6, none};       // slice 1, query 1
        long[] indices = new long[4];
        int[] distances = new int[4];
        CountingSelection.unpack(keys, 2, 2, 2, indices, distances, 0);
        assertThat(indices).containsExactly(8, 1, 6, 7);
        assertThat(distances).containsExactly(4, 5, 3, 3);
        long[] tooFew = {none, none, (1L << 40) | 3, none};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CountingSelection.unpack(tooFew, 2, 1, 2, new long[2], new int[2], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 keys");
    }

    @Test
    void fewQueriesAreSlicedToFillTheDeviceButNotBelowTheSmallestSlice() {
        assertThat(CountingSelection.slices(10_000, 4, 1_000_000, 1056)).isEqualTo(1);
        assertThat(CountingSelection.slices(1, 4, 1_000_000, 1056)).isEqualTo(244); // 1M / 4096 rows
        assertThat(CountingSelection.slices(100, 4, 1_000_000, 1056)).isEqualTo(43); // 25 tiles x 43 >= 1056
        assertThat(CountingSelection.slices(1, 4, 100, 1056)).isEqualTo(1);
    }
}
