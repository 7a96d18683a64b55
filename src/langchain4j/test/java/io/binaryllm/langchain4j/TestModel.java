package io.binaryllm.langchain4j;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.binaryllm.langchain4j.embed.TextEmbedders;

/** all-MiniLM-L6-v2, loaded once for every store test in the JVM (~1.5 s a load). */
final class TestModel {
    static final EmbeddingModel MINILM = TextEmbedders.miniLmModel();

    private TestModel() {
    }
}
