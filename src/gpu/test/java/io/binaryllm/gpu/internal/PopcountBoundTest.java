package io.binaryllm.gpu.internal;

import io.binaryllm.gpu.PopcountBound;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class PopcountBoundTest {
    @Test
    void reproducesTheIssuesH100Bounds() {
        double h100 = PopcountBound.rate(132, 1.98e9);
        assertThat(PopcountBound.seconds(1e6 * 10_000, 256, h100)).isCloseTo(0.0191, offset(0.0005));
        assertThat(PopcountBound.seconds(1e6 * 10_000, 1024, h100)).isCloseTo(0.0765, offset(0.0005));
    }

    @Test
    void oddWidthsRoundUpToWholePopcounts() {
        assertThat(PopcountBound.seconds(1, 33, 1)).isEqualTo(2);
        assertThat(PopcountBound.seconds(1, 32, 1)).isEqualTo(1);
        assertThat(PopcountBound.seconds(1, 1, 1)).isEqualTo(1);
    }
}
