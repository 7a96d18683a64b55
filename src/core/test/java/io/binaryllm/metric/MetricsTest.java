package io.binaryllm.metric;

import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.io.QrelsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {
    @TempDir
    Path dir;

    /** Judgments a:3 b:2 c:0 d:1, and the ranking c, a, d, x, b (x unjudged). */
    private static final Map<String, Integer> JUDGED = Map.of("a", 3, "b", 2, "c", 0, "d", 1);
    private static final List<String> RANKED = List.of("c", "a", "d", "x", "b");

    @Test
    void ndcgByHand() {
        // DCG@3 = 0/log2(2) + 3/log2(3) + 1/log2(4); ideal grades 3, 2, 1: IDCG@3 = 3 + 2/log2(3) + 1/2.
        assertThat(RetrievalMetrics.ndcgAtK(RANKED, JUDGED, 3)).isCloseTo(0.5024905201686705, within(1e-15));
        // k = 5 adds b at rank 5: + 2/log2(6); the ideal list has only three nonzero grades.
        assertThat(RetrievalMetrics.ndcgAtK(RANKED, JUDGED, 5)).isCloseTo(0.6649702433332251, within(1e-15));
        assertThat(RetrievalMetrics.ndcgAtK(List.of("a", "b", "d"), JUDGED, 3)).isEqualTo(1.0);
    }

    @Test
    void recallAndReciprocalRankByHand() {
        assertThat(RetrievalMetrics.recallAtK(RANKED, JUDGED, 1)).isEqualTo(0.0);
        assertThat(RetrievalMetrics.recallAtK(RANKED, JUDGED, 3)).isEqualTo(2.0 / 3);
        assertThat(RetrievalMetrics.recallAtK(RANKED, JUDGED, 5)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.reciprocalRankAtK(RANKED, JUDGED, 5)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.reciprocalRankAtK(RANKED, JUDGED, 1)).isEqualTo(0.0);
    }

    @Test
    void queriesWithoutRelevantDocumentsAreCountedAndExcluded() throws Exception {
        Path file = dir.resolve("qrels.txt");
        Files.writeString(file, "q1 0 a 1\nq1 0 b 0\n\nq2 0 c 0\n");
        Qrels qrels = QrelsFiles.read(file);
        var s = RetrievalMetrics.evaluate(List.of("q1", "q2", "q3"), List.of(List.of("b", "a"), List.of("c"), List.of("a")), qrels, 2);
        assertThat(s.evaluatedQueries()).isEqualTo(1);
        assertThat(s.queriesWithoutRelevant()).isEqualTo(2);
        assertThat(s.recall()).isEqualTo(1.0);
        assertThat(s.mrr()).isEqualTo(0.5);
        assertThat(s.ndcg()).isCloseTo(1 / (Math.log(3) / Math.log(2)), within(1e-15));
    }

    @Test
    void malformedQrelsNameFileAndLine() throws Exception {
        Path three = dir.resolve("three.txt");
        Files.writeString(three, "q1 0 a 1\nq1 a 1\n");
        assertThatThrownBy(() -> QrelsFiles.read(three)).isInstanceOf(BadInputException.class)
                .hasMessage(three + ":2: expected 'qid iter docid rel', got 3 fields");
        Path grade = dir.resolve("grade.txt");
        Files.writeString(grade, "q1 0 a high\n");
        assertThatThrownBy(() -> QrelsFiles.read(grade)).hasMessageContaining(":1: relevance 'high' is not an integer");
        Path twice = dir.resolve("twice.txt");
        Files.writeString(twice, "q1 0 a 1\nq1 0 a 2\n");
        assertThatThrownBy(() -> QrelsFiles.read(twice)).hasMessageContaining(":2: query q1 judges document a twice");
    }

    @Test
    void hammingCosineAndOverlap() {
        assertThat(Hamming.distance(new long[]{0b1011, -1L}, new long[]{0b0001, 0})).isEqualTo(2 + 64);
        assertThat(Cosine.similarity(new float[]{1, 0}, new float[]{0, 2})).isEqualTo(0.0);
        assertThat(Cosine.similarity(new float[]{1, 1}, new float[]{2, 2})).isCloseTo(1.0, within(1e-15));
        assertThat(Cosine.similarity(new float[]{0, 0}, new float[]{2, 2})).isEqualTo(0.0);
        assertThat(Cosine.similarity(new float[]{3, 4}, new float[]{4, 3})).isEqualTo(24.0 / 25);
        assertThat(Overlap.atK(new long[]{1, 2, 3, 4}, new long[]{4, 9, 1, 7}, 4)).isEqualTo(0.5);
        assertThat(Overlap.atK(new long[]{1, 2, 3, 4}, new long[]{4, 9, 1, 7}, 1)).isEqualTo(0.0);
    }

    @Test
    void cosineTopKOrdersBySimilarityThenIndex() {
        float[][] corpus = {{1, 0}, {0, 1}, {2, 0}, {1, 1}, {-1, 0}, {3, 0}};
        long[][] top = Cosine.topK(FloatEmbeddingBatch.of(corpus), FloatEmbeddingBatch.of(new float[][]{{1, 0}}), 6);
        // Rows 0, 2, 5 tie at similarity 1 and keep index order; then (1,1) at 0.707, (0,1) at 0, (-1,0) at -1.
        assertThat(top[0]).containsExactly(0, 2, 5, 3, 1, 4);
    }
}
