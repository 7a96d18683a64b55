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
                BinaryIndex index = engine.index(docCodes.codes());
                SearchResult top = index.search(questionCodes.codes(), 2);
                long best = top.indicesOf(0)[0];   // 0: the first document has the question's signs exactly
                // --- end of the example ---
                found = best;
                assertThat(top.distancesOf(0)).containsExactly(0, 2); // signs 101 against 101, then 011 and 110
                assertThat(index.size()).isEqualTo(3);
            }
        }
        assertThat(found).isZero();
    }
}
