package io.binaryllm.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.binaryllm.langchain4j.embed.TextEmbedders;
import io.binaryllm.testing.Snippets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of {@link BinaryEmbeddingStore}'s Javadoc, verbatim (checked), compiled and run. */
class BinaryEmbeddingStoreExampleTest {
    @Test
    void theJavadocExampleFindsTheCat() {
        String found;
        // --- from the Javadoc ---
        EmbeddingModel model = TextEmbedders.miniLmModel();   // all-MiniLM-L6-v2, in-process
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().rescoreFactor(4).build()) {
            for (String text : List.of("The cat sat on the mat.", "Stocks fell sharply on Monday.", "Rain is expected tomorrow.")) {
                TextSegment segment = TextSegment.from(text);
                store.add(model.embed(segment).content(), segment);
            }
            EmbeddingSearchRequest request = EmbeddingSearchRequest.builder()
                    .queryEmbedding(model.embed("Where did the cat sit?").content()).maxResults(1).build();
            String answer = store.search(request).matches().getFirst().embedded().text();   // "The cat sat on the mat."
            // --- end of the example ---
            found = answer;
        }
        assertThat(found).isEqualTo("The cat sat on the mat.");
    }

    /** The Javadoc shows the example as this test runs it. */
    @Test
    void theJavadocShowsThisExample() {
        List<String> test = Snippets.lines("src/langchain4j/test/java/io/binaryllm/langchain4j/BinaryEmbeddingStoreExampleTest.java");
        List<List<String>> shown = Snippets.javadocExamples(
                Snippets.lines("src/langchain4j/main/java/io/binaryllm/langchain4j/BinaryEmbeddingStore.java"));
        assertThat(shown).hasSize(1);
        Snippets.assertShown(shown.getFirst(), Snippets.between(test, "// --- from the Javadoc ---", "// --- end of the example ---"));
    }
}
