package io.binaryllm.metric;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The blocked, tiled top-k must give exactly what the plain one-query scan gives. */
class CosineTopKTest {
    @Test
    void topKAllEqualsTopKOneAcrossTilesWithTiesAndCandidates() {
        SplittableRandom r = new SplittableRandom(5);
        for (int d : new int[]{13, 400}) {        // 400 dims: 324 rows a tile, so 701 rows span three tiles
            int n = 701;
            float[] corpus = new float[n * d];
            for (int i = 0; i < n; i++) {
                int source = i % 7 == 3 ? i - 3 : i; // duplicate rows: equal similarities, ties by index
                for (int j = 0; j < d; j++) {
                    corpus[i * d + j] = source == i ? (float) r.nextGaussian() : corpus[source * d + j];
                }
            }
            Arrays.fill(corpus, 5 * d, 6 * d, 0f); // a zero row: similarity 0
            double[] norms = Cosine.squaredNorms(corpus, n, d);
            float[][] queries = new float[37][d];
            for (int q = 0; q < queries.length; q++) {
                for (int j = 0; j < d; j++) {
                    queries[q][j] = q == 4 ? 0f : (q % 5 == 0 ? corpus[(q * 3) * d + j] : (float) r.nextGaussian());
                }
            }
            long[] candidates = LongStream.range(0, n).filter(i -> i % 3 != 1).toArray();
            for (int k : new int[]{1, 10, 233, candidates.length}) {
                long[][] all = Cosine.topKAll(corpus, norms, d, queries, k, null);
                long[][] some = Cosine.topKAll(corpus, norms, d, queries, k, candidates);
                for (int q = 0; q < queries.length; q++) {
                    assertThat(all[q]).as("d=%d k=%d q=%d", d, k, q).containsExactly(Cosine.topKOne(corpus, norms, d, queries[q], k, null));
                    assertThat(some[q]).as("candidates d=%d k=%d q=%d", d, k, q)
                            .containsExactly(Cosine.topKOne(corpus, norms, d, queries[q], k, candidates));
                }
            }
        }
    }
}
