package io.binaryllm.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/** langchain4j's removal contract (by id, ids, filter, all), from the langchain4j-core test-jar. */
class BinaryEmbeddingStoreRemovalContractTest extends EmbeddingStoreWithRemovalIT {
    static final BinaryEmbeddingStore STORE = BinaryEmbeddingStore.builder().build();

    @BeforeEach
    void clear() {
        STORE.removeAll();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return STORE;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return TestModel.MINILM;
    }

    @AfterAll
    static void close() {
        STORE.close();
    }
}
