package io.binaryllm.runner.internal;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The quality charts' legends: a series drawn under another with the same points says so (it was simply hidden). */
class PlotsTest {
    @Test
    void aSeriesHiddenUnderAnotherIsNamedInTheLegend() {
        // The default run's points: sign lies under scaled-sign, sign + rescore under hyperplane + rescore (0.9871/0.9874).
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("sign", new double[][]{{256}, {0.703}});
        series.put("sign + rescore x4", new double[][]{{256}, {0.9871}});
        series.put("scaled-sign", new double[][]{{256}, {0.703}});
        series.put("hyperplane", new double[][]{{64, 128, 256, 512, 1024}, {0.14, 0.35, 0.597, 0.79, 0.906}});
        series.put("hyperplane + rescore x4", new double[][]{{256}, {0.9874}});
        series.put("osq", new double[][]{{256, 512}, {0.894, 0.97}});
        assertThat(Plots.labels(series)).containsExactly(
                Map.entry("sign", "sign (hidden under scaled-sign)"),
                Map.entry("sign + rescore x4", "sign + rescore x4 (hidden under hyperplane + rescore x4)"),
                Map.entry("scaled-sign", "scaled-sign"), // drawn over sign: seen
                Map.entry("hyperplane", "hyperplane"),
                Map.entry("hyperplane + rescore x4", "hyperplane + rescore x4"),
                Map.entry("osq", "osq"));
        // A point a marker's width away is seen.
        series.put("sign", new double[][]{{256}, {0.703 + 0.02}});
        assertThat(Plots.labels(series)).containsEntry("sign", "sign");
    }
}
