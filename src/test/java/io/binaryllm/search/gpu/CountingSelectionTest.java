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
}
