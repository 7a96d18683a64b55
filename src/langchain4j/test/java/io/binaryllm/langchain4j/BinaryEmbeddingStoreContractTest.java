package io.binaryllm.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import org.junit.jupiter.api.AfterAll;

/**
 * langchain4j's own contract for stores (EmbeddingStoreIT, with metadata, filtering and min-score), from the
 * langchain4j-core test-jar, run against the store with the default options (osq codes, rescoring x4: the contract's stores are smaller than
 * osq's fit, so they are ranked exactly) and, in {@link SignStoreContractTest}, with sign codes ranked by Hamming distance.
 */
class BinaryEmbeddingStoreContractTest extends EmbeddingStoreWithFilteringIT {
    static final BinaryEmbeddingStore STORE = BinaryEmbeddingStore.builder().build();

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
