package io.binaryllm.kvcache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AttentionEvalTest {
    /**
     * By hand: one head of size 2, every query (sqrt(2) ln 2, 0) against keys (1, 0), (0, 0), (0, 0): scores ln 2, 0,
     * 0, exact weights 1/2, 1/4, 1/4. A window of budget 2 without sink keeps positions 1 and 2: mass 1/2, recall 1/2
     * (the exact top-2 is {0, 1}, ties to the earlier position).
     */
    @Test
    void aHandComputedSelection() {
        double a = Math.log(2) * Math.sqrt(2); // q.k / sqrt(2) = ln 2 for key 0: weights 2:1:1
        float[][] q = {{(float) a, 0}, {(float) a, 0}, {(float) a, 0}};
        float[][] k = {{1, 0}, {0, 0}, {0, 0}};
        float[][] v = {{4, 0}, {0, 4}, {0, 0}};
        SelectionStats s = new SelectionStats(1, 1);
        AttentionEval.measure(s, new AttentionEval.Layer(0, 1, q, k, v), KvPolicies.window(2, 0), false);
        assertThat(s.steps(0, 0)).isEqualTo(3); // every query sees 3 > 2 positions
        assertThat(s.mass(0, 0)).isCloseTo(0.5, within(1e-6));
        assertThat(s.recall(0, 0)).isEqualTo(0.5);
        // exact output (2, 1); over the selection {1, 2}: weights 1/2, 1/2, output (0, 2); error |(-2, 1)| / |(2, 1)| = 1
        assertThat(s.outputError(0, 0)).isCloseTo(1.0, within(1e-6));

        SelectionStats causal = new SelectionStats(1, 1);
        AttentionEval.measure(causal, new AttentionEval.Layer(0, 1, q, k, v), KvPolicies.window(2, 0), true);
        assertThat(causal.steps(0, 0)).isEqualTo(1); // only the last query sees more than 2 positions
    }
}
