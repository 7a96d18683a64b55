/**
 * BinaryLLM langchain4j: {@code BinaryEmbeddingStore}, a langchain4j {@code EmbeddingStore} on binary and osq codes,
 * and text embedding (all-MiniLM-L6-v2 in-process, optional) with a cache. Exports the API (docs/api.md);
 * {@code io.binaryllm.langchain4j.internal} stays inside.
 */
module io.binaryllm.langchain4j {
    requires transitive io.binaryllm.core;
    requires transitive langchain4j.core;
    requires com.fasterxml.jackson.databind;
    requires java.logging;
    requires static langchain4j.embeddings;
    requires static langchain4j.embeddings.all.minilm.l6.v2;

    exports io.binaryllm.langchain4j;
    exports io.binaryllm.langchain4j.embed;
}
