package io.binaryllm.internal.search.blocked;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.internal.vectorization.NativeHammingKernel;
import io.binaryllm.internal.vectorization.VectorizationProvider;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import io.binaryllm.testing.OsqOracle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every C variant this CPU can run (scalar, AVX2, AVX-512), not only the one {@code auto} picks, under every
 * selection and several tilings, against the oracle (Hamming and osq). Code widths cover the specialised cases (1, 2, 3, 4, 6, 8,
 * 12, 16 words) and the generic loop.
 */
class NativeBackendVariantsTest {
    @Test
    void theLibraryLoadsWhereItWasBuilt() {
        String problem = VectorizationProvider.get().nativeProblem();
        if (Backends.inCi()) {
            assertThat(problem).as("CI builds the native library with gcc").isNull();
        }
        assumeTrue(problem == null, "native: " + problem);
    }

    @TestFactory
    Stream<DynamicTest> everyVariantEqualsTheOracle() {
        var kernel = VectorizationProvider.get().nativeKernel();
        assumeTrue(kernel.isPresent(), () -> "native: " + VectorizationProvider.get().nativeProblem());
        List<DynamicTest> tests = new ArrayList<>();
        for (int variant = 0; variant <= kernel.get().bestVariant(); variant++) {
            for (int heapKLimit : new int[]{0, 1 << 20}) {
                for (int tileBytes : new int[]{64, 5000, 1 << 20}) {
                    BlockedSearch.Settings s = new BlockedSearch.Settings(2, tileBytes, heapKLimit, 5);
                    int v = variant;
                    tests.add(DynamicTest.dynamicTest(NativeHammingKernel.VARIANTS.get(variant) + " tile=" + tileBytes
                            + (heapKLimit == 0 ? " counting" : " heap"), () -> check(s, v)));
                }
            }
        }
        return tests.stream();
    }

    private static void check(BlockedSearch.Settings settings, int variant) {
        try (NativeBackend backend = new NativeBackend(settings, variant)) {
            assertThat(backend.availability().detail()).startsWith(NativeHammingKernel.VARIANTS.get(variant));
            for (int bits : new int[]{1, 64, 65, 130, 192, 256, 320, 384, 448, 512, 768, 1024, 1031}) {
                for (int n : new int[]{1, 8, 9, 77}) {
                    int[][] db = n % 2 == 0 ? CodeGen.random(n * 7L + bits, n, bits) : CodeGen.tieHeavy(n * 7L + bits, n, bits);
                    int[][] q = CodeGen.random(bits, 13, bits); // 13 = one group of 8 and a remainder of 5
                    q[3] = db[0].clone();
                    BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
                    BinaryCodeBatch qCodes = Oracle.codes(q, bits);
                    try (BinaryIndex<BinaryCodeBatch> laid = backend.index(dbCodes)) { // tiles laid out once
                        for (int k : new int[]{1, Math.min(4, n), n}) {
                            SearchResult expected = Oracle.topK(db, q, k);
                            assertThat(backend.search(dbCodes, qCodes, k).firstDifference(expected))
                                    .as("bits=%d n=%d k=%d", bits, n, k).isNull();
                            assertThat(laid.search(qCodes, k).firstDifference(expected))
                                    .as("laid out: bits=%d n=%d k=%d", bits, n, k).isNull();
                        }
                    }
                }
            }
            OsqOracle.checkShapes(backend);
        }
    }
}
