package io.binaryllm.data;

import java.util.List;
import java.util.Optional;

/**
 * A corpus: its vectors, a string id per row (the row number when the source has none) and optional class labels.
 *
 * @param name    catalog name, shown in reports
 * @param vectors the embeddings
 * @param ids     row ids, or empty to use the row number
 * @param labels  one class label a row, if the corpus has labels
 */
public record EmbeddingDataset(String name, FloatEmbeddingBatch vectors, List<String> ids, Optional<int[]> labels)
        implements AutoCloseable {
    public EmbeddingDataset {
        if (!ids.isEmpty() && ids.size() != vectors.rows()) {
            throw new IllegalArgumentException(name + ": " + ids.size() + " ids for " + vectors.rows() + " rows");
        }
        if (labels.isPresent() && labels.get().length != vectors.rows()) {
            throw new IllegalArgumentException(name + ": " + labels.get().length + " labels for " + vectors.rows() + " rows");
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
