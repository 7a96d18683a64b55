package io.binaryllm.engine;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.search.SearchResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of {@link BinaryEngine}'s Javadoc, verbatim, compiled and run. */
class BinaryEngineExampleTest {
    @Test
    void theJavadocExampleRunsAndFindsTheDocument() {
        long found;
        // --- from the Javadoc ---
        try (BinaryEngine engine = BinaryEngine.builder().backend("auto").seed(42).build();
             FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(new float[][]{{0.9f, -0.2f, 0.4f}, {-0.5f, 0.8f, 0.1f}, {0.7f, 0.1f, -0.3f}});
             FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(new float[][]{{1.0f, -0.1f, 0.2f}})) {
            Binarizer sign = engine.binarizer("sign", null);
            try (Binarized docCodes = engine.encode(sign, docs);
                 Binarized questionCodes = engine.encode(sign, questions)) {
                try (BinaryIndex index = engine.index(docCodes.codes())) {  // on a GPU backend: the codes go to the device once
                    SearchResult top = index.search(questionCodes.codes(), 2);
                    long best = top.indicesOf(0)[0];   // 0: the first document has the question's signs exactly
                    // --- end of the example ---
                    found = best;
                    assertThat(top.distancesOf(0)).containsExactly(0, 2); // signs 101 against 101, then 011 and 110
                    assertThat(index.size()).isEqualTo(3);
                }
            }
        }
        assertThat(found).isZero();
    }

    @Test
    void theEvaluateExampleRunsAndAgreesWithTheGoldenMetrics() throws Exception {
        double kept;
        BinaryEngine.Quality q;
        // --- from the Javadoc ---
        try (BinaryEngine engine = BinaryEngine.builder().build();
             var data = io.binaryllm.data.catalog.DatasetCatalog.find("golden/clusters").orElseThrow().load().get()) {
            q = engine.evaluate(engine.binarizer("hyperplane", 256), data.corpus(), data.queries(), 10);
            kept = q.binaryScores().orElseThrow().ndcg() / q.floatScores().orElseThrow().ndcg();
            // --- end of the example ---
            // sign with the golden seed reproduces the golden metrics file, computed by another pipeline.
            BinaryEngine golden = BinaryEngine.builder().seed(io.binaryllm.golden.GoldenCase.MASTER_SEED).build();
            BinaryEngine.Quality sign = golden.evaluate(golden.binarizer("sign", null), data.corpus(), data.queries(), 10);
            golden.close();
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Path.of(
                    System.getProperty("binaryllm.home", ".")).resolve("golden/clusters/metrics.json").toFile());
            assertThat(sign.binaryScores().orElseThrow().ndcg()).isEqualTo(json.at("/variants/sign/ndcg").asDouble());
            assertThat(sign.overlap()).isEqualTo(json.at("/variants/sign/overlapWithFloat").asDouble());
            assertThat(sign.floatScores().orElseThrow().ndcg()).isEqualTo(json.at("/float/ndcg").asDouble());
        }
        assertThat(q.bits()).isEqualTo(256);
        assertThat(kept).isBetween(0.0, 1.5);
    }
}
