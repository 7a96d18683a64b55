package io.binaryllm.search;

import io.binaryllm.data.Ranking;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchResultTest {
    private static final SearchResult R = new SearchResult(3, 2, new long[]{4, 7, 1, 2, 9, 8}, new int[]{0, 3, 1, 1, 2, 5});

    @Test
    void eachQuerysEntriesAreItsRowOfTheFlatArrays() {
        assertThat(R.indicesOf(0)).containsExactly(4, 7);
        assertThat(R.indicesOf(1)).containsExactly(1, 2);
        assertThat(R.indicesOf(2)).containsExactly(9, 8);
        assertThat(R.distancesOf(1)).containsExactly(1, 1);
        assertThat(R.distancesOf(2)).containsExactly(2, 5);
        assertThat(R.indexLists()).isDeepEqualTo(new long[][]{{4, 7}, {1, 2}, {9, 8}});
        assertThat(R).hasToString("SearchResult[3 queries, k=2, by distance]");
    }

    @Test
    void resultsAreEqualWhenEveryEntryIs() {
        SearchResult same = new SearchResult(3, 2, R.indices().clone(), R.distances().clone());
        assertThat(same).isEqualTo(R).hasSameHashCodeAs(R);
        assertThat(R.firstDifference(same)).isNull();
        long[] idx = R.indices().clone();
        idx[5] = 0;
        SearchResult otherIndex = new SearchResult(3, 2, idx, R.distances());
        assertThat(otherIndex).isNotEqualTo(R);
        assertThat(R.firstDifference(otherIndex)).isEqualTo("query 2, rank 1: (index 8, distance 5) vs (index 0, distance 5)");
        int[] dist = R.distances().clone();
        dist[2] = 9;
        SearchResult otherDistance = new SearchResult(3, 2, R.indices(), dist);
        assertThat(otherDistance).isNotEqualTo(R);
        assertThat(R.firstDifference(otherDistance)).isEqualTo("query 1, rank 0: (index 1, distance 1) vs (index 1, distance 9)");
        SearchResult otherShape = new SearchResult(2, 3, R.indices(), R.distances());
        assertThat(otherShape).isNotEqualTo(R);
        assertThat(R.firstDifference(otherShape)).isEqualTo("shape 3x2 by DISTANCE vs 2x3 by DISTANCE");
        assertThat(R.firstDifference(new SearchResult(3, 1, new long[3], new int[3]))).isEqualTo("shape 3x2 by DISTANCE vs 3x1 by DISTANCE");
        assertThat(R).isNotEqualTo("a string");
    }

    @Test
    void entriesMustFillTheShape() {
        assertThatThrownBy(() -> new SearchResult(2, 2, new long[3], new int[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 x 2 results need 4 entries, got 3 indices and 3 keys");
        assertThatThrownBy(() -> new SearchResult(2, 2, new long[4], new int[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SearchResult(65536, 65536, new long[0], new int[0])).hasMessageContaining("4294967296 entries");
    }

    @Test
    void differentResultsHashDifferently() {
        assertThat(R.hashCode()).isNotZero()
                .isNotEqualTo(new SearchResult(3, 2, new long[]{4, 7, 1, 2, 9, 9}, R.distances()).hashCode())
                .isNotEqualTo(new SearchResult(3, 2, R.indices(), new int[]{0, 3, 1, 1, 2, 6}).hashCode());
    }

    @Test
    void keysReadAsTheirRankingSays() {
        float[] scores = {0.5f, 0.25f, -0.0f, -1.5f};
        int[] keys = new int[scores.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Ranking.keyOf(scores[i]);
        }
        SearchResult scored = new SearchResult(2, 2, new long[]{3, 1, 0, 2}, keys, Ranking.SCORE);
        assertThat(scored.scoresOf(1)).containsExactly(-0.0f, -1.5f);
        assertThat(scored.scores()).containsExactly(scores);
        assertThat(scored.keysOf(0)).containsExactly(keys[0], keys[1]);
        assertThat(scored.firstDifference(new SearchResult(2, 2, new long[]{3, 1, 0, 2}, new int[]{keys[0], keys[1], keys[2],
                Ranking.keyOf(-2f)}, Ranking.SCORE))).isEqualTo("query 1, rank 1: (index 2, score -1.5) vs (index 2, score -2.0)");
        assertThatThrownBy(scored::distances).isInstanceOf(IllegalStateException.class)
                .hasMessage("this result ranks by score, not by distance");
        assertThatThrownBy(() -> R.scoresOf(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("this result ranks by distance, not by score");
        SearchResult sameKeysAsDistances = new SearchResult(2, 2, scored.indices(), keys);
        assertThat(sameKeysAsDistances).isNotEqualTo(scored);
        assertThat(scored.firstDifference(sameKeysAsDistances)).isEqualTo("shape 2x2 by SCORE vs 2x2 by DISTANCE");
    }
}
