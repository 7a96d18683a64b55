package io.binaryllm.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import org.junit.jupiter.api.AfterAll;

/** langchain4j's own store contract (as {@link BinaryEmbeddingStoreContractTest}), on sign codes ranked by Hamming distance. */
class SignStoreContractTest extends BinaryEmbeddingStoreContractTest {
    static final BinaryEmbeddingStore SIGN = BinaryEmbeddingStore.builder().binarizer("sign").build();

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return SIGN;
    }

    @Override
    protected void clearStore() {
        SIGN.removeAll();
    }

    @AfterAll
    static void closeSign() {
        SIGN.close();
    }
}
