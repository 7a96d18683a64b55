package io.binaryllm.data;

/** A corpus and its queries (with their judgments and labels, where the source has them), closed together. */
public record Dataset(EmbeddingDataset corpus, QueryDataset queries) implements AutoCloseable {
    @Override
    public void close() {
        corpus.close();
        queries.close();
    }
}
