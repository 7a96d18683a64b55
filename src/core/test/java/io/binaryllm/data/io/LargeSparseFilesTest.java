package io.binaryllm.data.io;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.metric.Cosine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Inputs of gigabytes, made as sparse files (a header, then a hole: no disk is used): mapping them costs nothing, so
 * the limits under test are those of the copies a computation would make, which must be refused by size first.
 */
class LargeSparseFilesTest {
    @TempDir
    Path dir;

    /** A float32 .npy of {@code rows x dims} zeros that takes no disk space. */
    private Path sparseFloats(long rows, int dims) throws Exception {
        Path file = dir.resolve("big.npy");
        byte[] header = NpyHeader.encode(NpyDtype.F4, new long[]{rows, dims});
        Files.write(file, header);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(header.length + rows * dims * Float.BYTES);
        }
        return file;
    }

    @Test
    void aCopyLargerThanOneArrayIsRefusedNamingTheFile() throws Exception {
        Path file = sparseFloats(1L << 29, 4); // 2^31 values, 8 GiB
        try (FloatEmbeddingBatch x = Npy.readFloats(file)) {
            assertThatThrownBy(x::toArray).isInstanceOf(BadInputException.class)
                    .hasMessage(file + ": 536870912 x 4 values are more than one heap array holds (2^31)");
            assertThatThrownBy(() -> Cosine.topK(x, x, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("one heap array");
        }
    }

    @Test
    void aCopyLargerThanTheHeapIsRefusedNamingTheFile() throws Exception {
        assumeTrue(Runtime.getRuntime().maxMemory() < (2L << 30) * 4, "the heap could hold an 8 GiB copy");
        Path file = sparseFloats((1L << 29) - 8, 4); // just under 2^31 values, just under 8 GiB
        try (FloatEmbeddingBatch x = Npy.readFloats(file)) {
            assertThatThrownBy(x::toArray).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(file + ": a heap copy of 536870904 x 4 floats: " + MemoryBudget.size(x.rows() * 16) + " of heap needed");
        }
    }

    @Test
    void theFloatBaselineRefusesResultsTheHeapCannotHold() throws Exception {
        Path file = sparseFloats(200_000, 1);
        try (FloatEmbeddingBatch x = Npy.readFloats(file)) {
            assumeTrue(Runtime.getRuntime().maxMemory() < 200_000L * 200_000 * 16, "the heap could hold the results");
            assertThatThrownBy(() -> Cosine.topK(x, x, 200_000))
                    .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("k"))
                    .hasMessageStartingWith("the float top-k of 200000 queries x k=200000: ");
            assertThatThrownBy(() -> Cosine.topK(x, x, 200_001)).isInstanceOf(BadArgumentException.class)
                    .hasMessage("k must be between 1 and the corpus size 200000, got 200001");
            assertThatThrownBy(() -> Cosine.topK(x, x, 0)).isInstanceOf(BadArgumentException.class);
        }
    }

    /** queries x k must fit one result array: 2^31 - 8 entries is the last that does (then the heap decides). */
    @Test
    void resultsBeyondOneArrayAreRefusedAtTheExactLimit() throws Exception {
        long rows = Integer.MAX_VALUE; // 16 GiB of codes, sparse
        Path file = dir.resolve("db.npy");
        byte[] header = NpyHeader.encode(NpyDtype.U8, new long[]{rows, 1});
        Files.write(file, header);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(header.length + rows * Long.BYTES);
        }
        try (BinaryCodeBatch db = Npy.readCodes(file);
             BinaryCodeBatch q = BinaryCodeBatch.ofWords(new long[]{0}, 1, 64)) {
            assertThatThrownBy(() -> db.requireSearchable(q, Integer.MAX_VALUE - 7))
                    .hasMessage("1 queries x k=2147483640 results do not fit in one result array");
            assertThatThrownBy(() -> db.requireSearchable(q, Integer.MAX_VALUE - 8))
                    .hasMessageStartingWith("the results of 1 queries x k=2147483639: ").hasMessageContaining("of heap needed");
        }
    }
}
