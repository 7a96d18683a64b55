package io.binaryllm.metric;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClassificationTest {
    @Test
    void majorityWinsAndTiesGoToTheLabelOfTheNearestNeighbour() {
        int[] labels = {7, 3, 3, 7, 5};
        assertThat(Classification.vote(new long[]{0, 1, 2}, labels)).isEqualTo(3);    // 3 twice, 7 once
        assertThat(Classification.vote(new long[]{1, 0, 3, 2}, labels)).isEqualTo(3);  // 3:2, 7:2, nearest is 3
        assertThat(Classification.vote(new long[]{0, 1, 3, 2}, labels)).isEqualTo(7);  // same votes, nearest is 7
        assertThat(Classification.vote(new long[]{4}, labels)).isEqualTo(5);
    }

    @Test
    void accuracyAndMacroF1ByHand() {
        int[] truth = {0, 0, 1, 1, 2};
        int[] pred = {0, 1, 1, 1, 0};
        // class 0: tp 1, fp 1, fn 1 -> F1 = 2/4; class 1: tp 2, fp 1, fn 0 -> 4/5; class 2: tp 0 -> 0.
        Classification.Scores s = Classification.score(truth, pred);
        assertThat(s.accuracy()).isEqualTo(3.0 / 5);
        assertThat(s.macroF1()).isCloseTo((0.5 + 0.8 + 0.0) / 3, within(1e-15));
        assertThat(s.tested()).isEqualTo(5);
    }

    @Test
    void rescoringShortlistKeepsTheExactCosineOrder() {
        float[] corpus = {1, 0, 0, 1, 1, 1, 2, 0, -1, 0};
        double[] norms = {1, 1, 2, 4, 1};
        // Among candidates {3, 1, 2}: cos to (1, 0) is 1 (row 3), 0.707 (row 2), 0 (row 1).
        assertThat(Cosine.topKOne(corpus, norms, 2, new float[]{1, 0}, 2, new long[]{3, 1, 2})).containsExactly(3, 2);
        // Without candidates: rows 0 and 3 tie at 1 and keep index order.
        assertThat(Cosine.topKOne(corpus, norms, 2, new float[]{1, 0}, 3, null)).containsExactly(0, 3, 2);
    }
}
