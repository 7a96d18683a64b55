package io.binaryllm.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.runner.internal.GoldenCase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link BinaryEngine#evaluate} on the golden clusters reproduces the golden metrics file, computed by another pipeline. */
class EngineEvaluateGoldenTest {
    @Test
    void theEvaluateExampleRunsAndAgreesWithTheGoldenMetrics() throws Exception {
        double kept;
        BinaryEngine.Quality q;
        // --- from the Javadoc ---
        try (BinaryEngine engine = BinaryEngine.builder().build();
             var data = DatasetCatalog.find("golden/clusters").orElseThrow().load().get()) {
            q = engine.evaluate(engine.binarizer("hyperplane", 256), data.corpus(), data.queries(), 10);
            kept = q.binaryScores().orElseThrow().ndcg() / q.floatScores().orElseThrow().ndcg();
            // --- end of the example ---
            // sign with the golden seed reproduces the golden metrics file, computed by another pipeline.
            BinaryEngine golden = BinaryEngine.builder().seed(GoldenCase.MASTER_SEED).build();
            BinaryEngine.Quality sign = golden.evaluate(golden.binarizer("sign", null), data.corpus(), data.queries(), 10);
            golden.close();
            var json = new ObjectMapper().readTree(Path.of(
                    System.getProperty("binaryllm.home", ".")).resolve("golden/clusters/metrics.json").toFile());
            assertThat(sign.binaryScores().orElseThrow().ndcg()).isEqualTo(json.at("/variants/sign/ndcg").asDouble());
            assertThat(sign.overlap()).isEqualTo(json.at("/variants/sign/overlapWithFloat").asDouble());
            assertThat(sign.floatScores().orElseThrow().ndcg()).isEqualTo(json.at("/float/ndcg").asDouble());
        }
        assertThat(q.bits()).isEqualTo(256);
        assertThat(kept).isBetween(0.0, 1.5);
    }
}
