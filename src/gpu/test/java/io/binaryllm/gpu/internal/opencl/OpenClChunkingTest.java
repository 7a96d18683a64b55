package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.EquivalenceSuite;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database passed to the device in chunks (as one larger than device memory is) must give exactly the one-chunk
 * answer: the kernels carry the counting selection across chunks in index order. Chunk sizes that split the
 * database unevenly, tie-heavy data and k from 1 to n.
 */
class OpenClChunkingTest {
    @Test
    void chunkedSearchEqualsTheOracle() {
        OpenClTests.runtime();
        for (int bits : new int[]{1, 64, 65, 200}) {
            int words = (bits + 63) / 64;
            for (int n : new int[]{1, 7, 130}) {
                int[][] db = CodeGen.tieHeavy(n + bits, n, bits);
                int[][] q = CodeGen.tieHeavy(bits, 9, bits);
                q[0] = db[n - 1].clone();
                BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
                BinaryCodeBatch qCodes = Oracle.codes(q, bits);
                for (long chunkRows : new long[]{1, 3, 64, n}) {
                    OpenClBackend backend = new OpenClBackend(chunkRows * words * Long.BYTES);
                    for (int k : new int[]{1, Math.min(5, n), n}) {
                        SearchResult expected = Oracle.topK(db, q, k);
                        assertThat(backend.search(dbCodes, qCodes, k).firstDifference(expected))
                                .as("bits=%d n=%d chunk=%d rows k=%d", bits, n, chunkRows, k).isNull();
                    }
                }
            }
        }
    }

    /** osq keys computed chunk by chunk and selected on the host across chunks in index order: the one-chunk answer. */
    @Test
    void chunkedOsqSearchEqualsTheOracle() {
        OpenClTests.runtime();
        for (int dims : new int[]{1, 65, 130}) {
            for (int n : new int[]{1, 7, 130}) {
                var docs = OsqOracle.vectors(n + dims, n, dims, "tie-heavy");
                OsqQuantizer quantizer = OsqQuantizer.fit(docs, 2);
                try (OsqCodes db = quantizer.encodeDocuments(docs);
                     OsqCodes q = quantizer.encodeQueries(OsqOracle.vectors(dims, 9, dims, "clustered"), 4)) {
                    for (long chunkRows : new long[]{1, 3, 64, n}) {
                        OpenClBackend backend = new OpenClBackend(chunkRows * (db.planes().words() * Long.BYTES + 16));
                        for (int k : new int[]{1, Math.min(5, n), n}) {
                            assertThat(backend.search(db, q, k).firstDifference(OsqOracle.topK(db, q, k)))
                                    .as("dims=%d n=%d chunk=%d rows k=%d", dims, n, chunkRows, k).isNull();
                        }
                    }
                }
            }
        }
    }

    /**
     * Above k = 32 (histogram, cut, collect) at the widths where the counting kernels change shape: a work-group
     * counts 4 queries' histograms in local memory up to 1024-bit codes, 3 at 1025, 2 at 2048, 1 up to 4099 bits, and
     * counts in global memory above. Queries 1..9 make full and short tiles; chunks carry the counts across.
     */
    @Test
    void countingKernelsEqualTheOracleAtEveryTileShape() {
        OpenClTests.runtime();
        for (int bits : new int[]{1023, 1024, 1025, 1365, 1366, 2049, 2050, 4098, 4099, 4100, 4161}) {
            int[][] db = CodeGen.tieHeavy(bits, 70, bits);
            BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
            for (int nq : new int[]{1, 5, 9}) {
                int[][] q = CodeGen.tieHeavy(bits + nq, nq, bits);
                q[nq - 1] = db[69].clone();
                BinaryCodeBatch qCodes = Oracle.codes(q, bits);
                long chunk = nq == 5 ? 23L * dbCodes.words() * Long.BYTES : Long.MAX_VALUE;
                try (OpenClBackend backend = new OpenClBackend(chunk)) {
                    for (int k : new int[]{33, 70}) { // above the one-pass kernel's 32
                        assertThat(backend.search(dbCodes, qCodes, k).firstDifference(Oracle.topK(db, q, k)))
                                .as("bits=%d queries=%d k=%d", bits, nq, k).isNull();
                    }
                }
            }
        }
    }

    /**
     * The 8-query tile kernel (-Dbinaryllm.gpu.queryTile=8) on the whole equivalence suite (word-boundary sizes,
     * odd and prime bit counts, tie-heavy codes, k = 1..n), then chunked with short last tiles.
     */
    @Test
    void theEightQueryTileEqualsTheReference() {
        OpenClTests.runtime();
        String before = System.getProperty("binaryllm.gpu.queryTile");
        System.setProperty("binaryllm.gpu.queryTile", "8");
        try (OpenClBackend whole = new OpenClBackend()) {
            assertThat(EquivalenceSuite.run(whole, c -> { }).stream().filter(c -> !c.ok())
                    .map(c -> c.what() + ": " + c.difference())).isEmpty();
            int bits = 200;
            int[][] db = CodeGen.tieHeavy(bits + 7, 150, bits);
            BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
            for (int nq : new int[]{1, 7, 8, 9, 17}) {
                int[][] q = CodeGen.tieHeavy(bits + nq, nq, bits);
                BinaryCodeBatch qCodes = Oracle.codes(q, bits);
                OpenClBackend chunked = new OpenClBackend(37L * ((bits + 63) / 64) * Long.BYTES);
                for (int k : new int[]{1, 10, 32}) {
                    assertThat(chunked.search(dbCodes, qCodes, k).firstDifference(Oracle.topK(db, q, k)))
                            .as("nq=%d k=%d", nq, k).isNull();
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty("binaryllm.gpu.queryTile");
            } else {
                System.setProperty("binaryllm.gpu.queryTile", before);
            }
        }
    }

    /**
     * Few queries cut the rows into slices (one work-group per query tile and slice: the one-pass kernel's lists merged
     * on the host, the counting selection's slots counted ahead from the slices' histograms). With slices of as
     * little as one row: the equivalence suite, then 1..9 queries over 1..150 rows (empty and one-row slices, k from 1
     * to n, both selections), whole and chunked, for both tile sizes.
     */
    @Test
    void slicedRowsEqualTheOracle() {
        OpenClTests.runtime();
        String minRows = System.getProperty("binaryllm.gpu.minSliceRows");
        String tile = System.getProperty("binaryllm.gpu.queryTile");
        System.setProperty("binaryllm.gpu.minSliceRows", "1");
        try {
            for (String t : new String[]{"4", "8"}) {
                System.setProperty("binaryllm.gpu.queryTile", t);
                try (OpenClBackend whole = new OpenClBackend()) {
                    assertThat(EquivalenceSuite.run(whole, c -> { }).stream().filter(c -> !c.ok())
                            .map(c -> c.what() + ": " + c.difference())).as("tile %s", t).isEmpty();
                }
                int bits = 75;
                int words = (bits + 63) / 64;
                for (int n : new int[]{1, 5, 17, 150}) {
                    int[][] db = CodeGen.tieHeavy(bits + n, n, bits);
                    BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
                    for (int nq : new int[]{1, 2, 9}) {
                        int[][] q = CodeGen.tieHeavy(n + nq, nq, bits);
                        BinaryCodeBatch qCodes = Oracle.codes(q, bits);
                        for (long chunk : new long[]{Long.MAX_VALUE, 13L * words * Long.BYTES}) {
                            try (OpenClBackend backend = new OpenClBackend(chunk)) {
                                for (int k : new int[]{1, Math.min(n, 3), Math.min(n, 32), Math.min(n, 33), n}) {
                                    assertThat(backend.search(dbCodes, qCodes, k).firstDifference(Oracle.topK(db, q, k)))
                                            .as("tile=%s n=%d nq=%d chunk=%d k=%d", t, n, nq, chunk, k).isNull();
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            restore("binaryllm.gpu.minSliceRows", minRows);
            restore("binaryllm.gpu.queryTile", tile);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
