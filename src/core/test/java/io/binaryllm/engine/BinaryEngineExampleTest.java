package io.binaryllm.engine;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.EmbeddingDataset;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.Qrels;
import io.binaryllm.data.QueryDataset;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.Snippets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of {@link BinaryEngine}'s Javadoc, verbatim, compiled and run. */
class BinaryEngineExampleTest {
    @Test
    void theSearchExampleRunsAndFindsTheDocument() {
        long found;
        // --- search example ---
        try (BinaryEngine engine = BinaryEngine.builder().backend("auto").seed(42).build();
             FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(new float[][]{{0.9f, -0.2f, 0.4f}, {-0.5f, 0.8f, 0.1f}, {0.7f, 0.1f, -0.3f}});
             FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(new float[][]{{1.0f, -0.1f, 0.2f}})) {
            Binarizer sign = engine.binarizer("sign", null);
            try (Binarized docCodes = engine.encode(sign, docs);
                 Binarized questionCodes = engine.encode(sign, questions);
                 BinaryIndex<BinaryCodeBatch> index = engine.index(docCodes.codes())) {  // on a GPU backend: the codes go to the device once
                SearchResult top = index.search(questionCodes.codes(), 2);
                long best = top.indicesOf(0)[0];   // 0: the first document has the question's signs exactly
                // --- end ---
                found = best;
                assertThat(top.distancesOf(0)).containsExactly(0, 2); // signs 101 against 101, then 011 and 110
                assertThat(index.size()).isEqualTo(3);
            }
        }
        assertThat(found).isZero();
    }

    /** The Javadoc shows both examples as this test runs them. */
    @Test
    void theJavadocShowsTheseExamples() {
        List<String> test = Snippets.lines("src/core/test/java/io/binaryllm/engine/BinaryEngineExampleTest.java");
        List<List<String>> shown = Snippets.javadocExamples(Snippets.lines("src/core/main/java/io/binaryllm/engine/BinaryEngine.java"));
        assertThat(shown).hasSize(3);
        Snippets.assertShown(shown.get(0), Snippets.between(test, "// --- search example ---", "// --- end ---"));
        Snippets.assertShown(shown.get(1), Snippets.between(test, "// --- osq example ---", "// --- end ---"));
        Snippets.assertShown(shown.get(2), Snippets.between(test, "// --- evaluate example ---", "// --- end ---"));
    }

    @Test
    void theOsqExampleRunsAndRanksByEstimatedCosine() {
        try (BinaryEngine engine = BinaryEngine.builder().backend("auto").build();
             FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(new float[][]{{0.9f, -0.2f, 0.4f}, {-0.5f, 0.8f, 0.1f}, {0.7f, 0.1f, -0.3f}});
             FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(new float[][]{{1.0f, -0.1f, 0.2f}})) {
            SearchResult found;
            // --- osq example ---
            OsqQuantizer osq = OsqQuantizer.fit(docs, 1);                  // 1 bit a dimension, plus 16 bytes of corrections
            try (OsqCodes d = osq.encodeDocuments(docs); OsqCodes q = osq.encodeQueries(questions, 4)) {
                SearchResult top = engine.search(d, q, 2);                 // (score desc, index asc), the same on every backend
                float[] scores = top.scoresOf(0);
                // --- end ---
                found = top;
                assertThat(scores).containsExactly(top.scoresOf(0));
                assertThat(top).isEqualTo(engine.backend().search(d, q, 2));
            }
            assertThat(found.indicesOf(0)[0]).isZero(); // the first document is the question's nearest in cosine too
            assertThat(found.scoresOf(0)[0]).isGreaterThan(found.scoresOf(0)[1]);
        }
    }

    @Test
    void theEvaluateExampleRunsAndKeepsTheRanking() {
        float[][] docVectors = {{0.9f, -0.2f, 0.4f, 0.1f}, {-0.5f, 0.8f, 0.1f, -0.7f}, {0.7f, 0.1f, -0.3f, 0.2f}};
        float[][] questionVectors = {{1.0f, -0.1f, 0.3f, 0.1f}};
        BinaryEngine.Quality quality;
        double keptShare;
        // --- evaluate example ---
        try (BinaryEngine engine = BinaryEngine.builder().seed(7).build();
             EmbeddingDataset corpus = new EmbeddingDataset("docs", FloatEmbeddingBatch.of(docVectors), List.of(), Optional.empty());
             QueryDataset questions = new QueryDataset("questions", FloatEmbeddingBatch.of(questionVectors), List.of(),
                     Optional.of(new Qrels(Map.of("0", Map.of("0", 1)))))) {   // question 0 judges document 0 relevant
            BinaryEngine.Quality q = engine.evaluate(engine.binarizer("hyperplane", 256), corpus, questions, 2);
            double kept = q.binaryScores().orElseThrow().ndcg() / q.floatScores().orElseThrow().ndcg();
            // --- end ---
            quality = q;
            keptShare = kept;
        }
        assertThat(quality.bits()).isEqualTo(256);
        assertThat(quality.floatScores().orElseThrow().ndcg()).isEqualTo(1.0); // document 0 is the float nearest
        assertThat(keptShare).isEqualTo(1.0); // 256 hyperplanes keep the clear winner first
        assertThat(quality.overlap()).isBetween(0.5, 1.0);
    }
}
