package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.gpu.GpuTimings;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database kept on the device (GpuBackend.prepare, BinaryIndex<BinaryCodeBatch> on a GPU backend) uploads only the queries per
 * search and gives its device memory back when closed (its answers are checked case by case by EquivalenceSuite).
 */
class OpenClKeptDatabaseTest {
    private static long keptBytes() {
        return OpenClTests.runtime().keptBytes();
    }

    @Test
    void aKeptDatabaseUploadsOnlyQueriesAndIsFreedOnClose() {
        OpenClTests.runtime();
        int bits = 130;
        int[][] db = CodeGen.tieHeavy(11, 500, bits);
        int[][] q = CodeGen.tieHeavy(12, 9, bits);
        BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
        BinaryCodeBatch qCodes = Oracle.codes(q, bits);
        long before = keptBytes();
        try (OpenClBackend backend = new OpenClBackend()) {
            BinaryIndex<BinaryCodeBatch> kept = backend.index(dbCodes);
            assertThat(keptBytes() - before).isEqualTo(dbCodes.segment().byteSize());
            for (int k : new int[]{1, 10, 33, 500}) { // the one-pass kernel and the counting selection
                assertThat(kept.search(qCodes, k)).as("k=%d", k).isEqualTo(Oracle.topK(db, q, k));
                GpuTimings last = backend.lastTimings();
                assertThat(last.uploadedBytes()).as("k=%d: the queries (and cuts and ties above k = 32), not the database", k)
                        .isLessThan(dbCodes.segment().byteSize()).isGreaterThanOrEqualTo(qCodes.segment().byteSize());
            }
            // a one-shot search in between uses the pool, and the kept copy is untouched by it
            int[][] other = CodeGen.tieHeavy(13, 70, bits);
            assertThat(backend.search(Oracle.codes(other, bits), qCodes, 5)).isEqualTo(Oracle.topK(other, q, 5));
            assertThat(backend.lastTimings().uploadedBytes()).isGreaterThanOrEqualTo(70L * 3 * Long.BYTES);
            assertThat(kept.search(qCodes, 7)).isEqualTo(Oracle.topK(db, q, 7));
            kept.close();
            kept.close(); // a second close does nothing
            assertThat(keptBytes()).isEqualTo(before);
            assertThatThrownBy(() -> kept.search(qCodes, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> kept.search(qCodes, 501)).isInstanceOf(BadArgumentException.class);
        }
    }

    /** A database that does not fit in one chunk is not kept: it is searched in chunks, per search, and stays exact. */
    @Test
    void aDatabaseTooLargeToKeepIsSearchedInChunks() {
        OpenClTests.runtime();
        int bits = 64;
        int[][] db = CodeGen.tieHeavy(21, 100, bits);
        int[][] q = CodeGen.tieHeavy(22, 6, bits);
        try (OpenClBackend backend = new OpenClBackend(30L * Long.BYTES);
             BinaryIndex<BinaryCodeBatch> kept = backend.index(Oracle.codes(db, bits))) {
            assertThat(kept.residence()).isEqualTo("in place");
            for (int k : new int[]{1, 40, 100}) {
                assertThat(kept.search(Oracle.codes(q, bits), k)).isEqualTo(Oracle.topK(db, q, k));
            }
        }
    }

    /** BinaryIndex<BinaryCodeBatch> on the opencl backend keeps its codes on the device; the engine frees what is left open. */
    @Test
    void theEnginesIndexesLiveOnTheDeviceUntilClosed() {
        OpenClTests.runtime();
        int bits = 77;
        int[][] db = CodeGen.tieHeavy(31, 200, bits);
        int[][] q = CodeGen.tieHeavy(32, 5, bits);
        long before = keptBytes();
        try (BinaryEngine engine = BinaryEngine.builder().backend("opencl").build()) {
            try (BinaryIndex<BinaryCodeBatch> index = engine.index(Oracle.codes(db, bits))) {
                assertThat(index.residence()).startsWith("on the opencl device");
                assertThat(index.search(Oracle.codes(q, bits), 12)).isEqualTo(Oracle.topK(db, q, 12));
            }
            assertThat(keptBytes()).isEqualTo(before);
            BinaryIndex<BinaryCodeBatch> leftOpen = engine.index(Oracle.codes(db, bits));
            assertThat(leftOpen.search(Oracle.codes(q, bits), 3)).isEqualTo(Oracle.topK(db, q, 3));
            assertThat(keptBytes()).isGreaterThan(before);
        }
        assertThat(keptBytes()).as("the engine closed the index left open").isEqualTo(before);
    }
}
