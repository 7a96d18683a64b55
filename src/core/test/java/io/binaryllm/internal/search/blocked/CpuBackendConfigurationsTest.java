package io.binaryllm.internal.search.blocked;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.internal.vectorization.VectorizationProvider;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thread count, tile size, kernel and selection (heap or counting) must never change a result: every combination
 * against the oracle (Hamming and osq), on tile boundaries that split blocks and on tie-heavy data, re-laid per search and laid out once.
 */
class CpuBackendConfigurationsTest {
    @TestFactory
    Stream<DynamicTest> everyConfigurationEqualsTheOracle() {
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean vector : new boolean[]{true, false}) {
            for (int threads : new int[]{1, 2, 3}) {
                // 64 bytes: one block a tile; 3000: tiles that end mid-way through the code range.
                for (int tileBytes : new int[]{64, 3000, 1 << 20}) {
                    for (int heapKLimit : new int[]{0, 1 << 20}) {
                        BlockedSearch.Settings s = new BlockedSearch.Settings(threads, tileBytes, heapKLimit, 7);
                        String name = (vector ? "vector" : "scalar") + " threads=" + threads + " tile=" + tileBytes
                                + (heapKLimit == 0 ? " counting" : " heap");
                        tests.add(DynamicTest.dynamicTest(name, () -> check(s, vector)));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void check(BlockedSearch.Settings settings, boolean vector) {
        VectorizationProvider.Level level = vector ? VectorizationProvider.Level.VECTOR : VectorizationProvider.Level.SCALAR;
        try (CpuBackend backend = new CpuBackend(settings, VectorizationProvider.at(level))) {
            for (int bits : new int[]{1, 64, 65, 256, 257, 1024}) {
                for (int n : new int[]{1, 9, 65, 300}) {
                    int[][] db = n % 2 == 0 ? CodeGen.random(n + bits, n, bits) : CodeGen.tieHeavy(n + bits, n, bits);
                    int[][] q = CodeGen.tieHeavy(bits, 11, bits);
                    q[0] = db[n - 1].clone();
                    BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
                    BinaryCodeBatch qCodes = Oracle.codes(q, bits);
                    // and through the tiles laid out once (BinaryIndex<BinaryCodeBatch>'s database), with the same tile boundaries
                    try (BinaryIndex<BinaryCodeBatch> laid = backend.index(dbCodes)) {
                        assertThat(laid.residence()).startsWith("in memory, re-laid");
                        for (int k : new int[]{1, Math.min(3, n), n}) {
                            SearchResult expected = Oracle.topK(db, q, k);
                            SearchResult actual = backend.search(dbCodes, qCodes, k);
                            assertThat(actual.firstDifference(expected)).as("bits=%d n=%d k=%d", bits, n, k).isNull();
                            assertThat(laid.search(qCodes, k).firstDifference(expected)).as("laid out: bits=%d n=%d k=%d", bits, n, k).isNull();
                        }
                    }
                }
            }
            OsqOracle.checkShapes(backend);
        }
    }
}
