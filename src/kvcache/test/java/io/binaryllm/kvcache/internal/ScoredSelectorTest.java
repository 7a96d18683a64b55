package io.binaryllm.kvcache.internal;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ScoredSelectorTest {
    @Test
    void topTakesTheHighestScoresAndTheEarlierOfEqualOnes() {
        double[] s = {9, 1, 3, 3, 3, 0, 7};
        int[] three = new int[3];
        ScoredSelector.top(s, 1, 6, three); // positions 1..5 only
        assertThat(three).containsExactly(2, 3, 4);
        int[] two = new int[2];
        ScoredSelector.top(s, 1, 6, two);
        assertThat(two).containsExactly(2, 3);
        int[] one = new int[1];
        ScoredSelector.top(s, 0, 7, one);
        assertThat(one).containsExactly(0);
    }

    /** Against a boxed sort by (score desc, position asc) on tie-heavy random scores. */
    @Test
    void topIsASortsPrefix() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(300);
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(8) - 4; // many ties
            }
            int from = r.nextInt(n);
            int m = 1 + r.nextInt(n - from);
            int[] out = new int[m];
            ScoredSelector.top(s, from, n, out);
            int[] expected = IntStream.range(from, n).boxed()
                    .sorted((a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b))
                    .limit(m).mapToInt(Integer::intValue).sorted().toArray();
            assertThat(out).as("round %d", round).containsExactly(expected);
        }
    }
}
