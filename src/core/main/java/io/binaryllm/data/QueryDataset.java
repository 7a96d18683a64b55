package io.binaryllm.data;

import java.util.List;
import java.util.Optional;

/**
 * Queries: their vectors, a string id per row (the row number when the source has none) and optional relevance
 * judgments against a corpus's ids.
 */
public record QueryDataset(String name, FloatEmbeddingBatch vectors, List<String> ids, Optional<Qrels> qrels)
        implements AutoCloseable {
    public QueryDataset {
        if (!ids.isEmpty() && ids.size() != vectors.rows()) {
            throw new IllegalArgumentException(name + ": " + ids.size() + " ids for " + vectors.rows() + " rows");
        }
        ids = List.copyOf(ids);
    }

    public String id(long row) {
        return ids.isEmpty() ? Long.toString(row) : ids.get(Math.toIntExact(row));
    }

    @Override
    public void close() {
        vectors.close();
    }
}
