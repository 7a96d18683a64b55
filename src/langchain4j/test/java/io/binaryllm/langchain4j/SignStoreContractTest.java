package io.binaryllm.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import org.junit.jupiter.api.AfterAll;

/** langchain4j's own store contract, on sign codes ranked by Hamming distance (rescoring x4). */
class SignStoreContractTest extends EmbeddingStoreWithFilteringIT {
    static final BinaryEmbeddingStore STORE = BinaryEmbeddingStore.builder().binarizer("sign").build();

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return STORE;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return TestModel.MINILM;
    }

    @Override
    protected void clearStore() {
        STORE.removeAll();
    }

    @Override
    protected boolean supportsContains() {
        return true;
    }

    @AfterAll
    static void close() {
        STORE.close();
    }
}
