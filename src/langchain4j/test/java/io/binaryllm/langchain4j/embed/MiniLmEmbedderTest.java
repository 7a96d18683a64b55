package io.binaryllm.langchain4j.embed;

import io.binaryllm.metric.Cosine;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real model (loaded once for the JVM): what the cache and reproducible reports rely on. */
class MiniLmEmbedderTest {
    static final TextEmbedder MODEL = TextEmbedders.miniLm();

    @Test
    void givesUnitVectorsOf384Dimensions() {
        float[][] v = MODEL.embed(List.of("hello world"));
        assertThat(v[0]).hasSize(384);
        double norm = 0;
        for (float x : v[0]) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, Offset.offset(1e-5));
    }

    @Test
    void aTextsVectorDoesNotDependOnItsBatchOrOnRepetition() {
        float[] alone = MODEL.embed(List.of("the dog barked all night"))[0];
        float[][] batch = MODEL.embed(List.of("a much longer sentence that makes the batch pad every shorter text in it",
                "the dog barked all night", "x"));
        assertThat(batch[1]).containsExactly(alone);
        assertThat(MODEL.embed(List.of("the dog barked all night"))[0]).containsExactly(alone);
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() {
        float[][] v = MODEL.embed(List.of("a domestic dog", "a pet canine", "the stock market fell"));
        assertThat(Cosine.similarity(v[0], v[1])).isGreaterThan(Cosine.similarity(v[0], v[2]) + 0.2);
    }
}
