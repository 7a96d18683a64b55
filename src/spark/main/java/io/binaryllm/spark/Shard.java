package io.binaryllm.spark;

import java.io.Serializable;

/**
 * One {@code .npy} file of packed codes ({@code <u8}, rows x words) and where its rows sit in the whole corpus.
 *
 * @param path     the file, as every executor can read it
 * @param firstRow the corpus index of its first row
 * @param rows     its rows (0 for an empty shard)
 */
public record Shard(String path, long firstRow, long rows) implements Serializable {
}
