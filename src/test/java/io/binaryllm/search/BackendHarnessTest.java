package io.binaryllm.search;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one harness every backend goes through: word-boundary sizes, odd and prime bit counts, random and
 * tie-heavy codes, k = 1 .. n, each result compared entry by entry with the independent {@link Oracle}.
 * A new backend needs no new test: registering it in META-INF/services puts it here.
 */
class BackendHarnessTest {
    private static final int[] ROWS = {1, 2, 63, 64, 65, 127, 128, 129};
    private static final int[] BITS = {1, 7, 63, 64, 65, 127, 128, 129, 257, 1031};
    private static List<SearchBackend> backends;

    @BeforeAll
    static void open() {
        backends = Backends.available();
    }

    @AfterAll
    static void close() {
        backends.forEach(SearchBackend::close);
    }

    @Test
    void referenceIsAlwaysRegisteredAndAvailable() {
        assertThat(backends).extracting(SearchBackend::name).contains("reference");
    }

    @TestFactory
    Stream<DynamicTest> everyBackendEqualsTheOracle() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SearchBackend backend : backends) {
            for (int n : ROWS) {
                for (int bits : BITS) {
                    for (String kind : List.of("random", "tie-heavy")) {
                        long seed = 1_000_003L * n + bits;
                        tests.add(DynamicTest.dynamicTest(backend.name() + " n=" + n + " bits=" + bits + " " + kind,
                                () -> checkAllK(backend, seed, n, bits, 5, kind)));
                    }
                }
            }
            tests.add(DynamicTest.dynamicTest(backend.name() + " n=1000 bits=256 20 queries",
                    () -> checkAllK(backend, 42, 1000, 256, 20, "random")));
            tests.add(DynamicTest.dynamicTest(backend.name() + " n=777 bits=24 tie-heavy 33 queries",
                    () -> checkAllK(backend, 43, 777, 24, 33, "tie-heavy")));
        }
        return tests.stream();
    }

    private static void checkAllK(SearchBackend backend, long seed, int n, int bits, int nq, String kind) {
        int[][] db = kind.equals("random") ? CodeGen.random(seed, n, bits) : CodeGen.tieHeavy(seed, n, bits);
        int[][] q = kind.equals("random") ? CodeGen.random(seed + 1, nq, bits) : CodeGen.tieHeavy(seed, nq, bits);
        // Queries equal to database rows make distance 0 ties with duplicates.
        q[0] = db[n / 2].clone();
        BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
        BinaryCodeBatch qCodes = Oracle.codes(q, bits);
        // The database prepared for repeated searches too (kept on the device by the GPU backends, as BinaryIndex does).
        try (PreparedDatabase kept = backend.prepare(dbCodes)) {
            for (int k : new TreeSet<>(List.of(1, Math.min(2, n), Math.min(10, n), Math.max(n - 1, 1), n))) {
                SearchResult expected = Oracle.topK(db, q, k);
                SearchResult actual = backend.search(dbCodes, qCodes, k);
                assertThat(actual.firstDifference(expected)).as("%s, k=%d", backend.name(), k).isNull();
                assertThat(actual).isEqualTo(expected);
                assertThat(kept.search(qCodes, k).firstDifference(expected)).as("%s prepared (%s), k=%d", backend.name(), kept.residence(), k).isNull();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyBackendRefusesBadArguments() {
        return backends.stream().map(b -> DynamicTest.dynamicTest(b.name(), () -> {
            BinaryCodeBatch db = BinaryCodeBatch.ofWords(new long[]{1, 2, 3}, 3, 64);
            BinaryCodeBatch q = BinaryCodeBatch.ofWords(new long[]{1}, 1, 64);
            BinaryCodeBatch narrow = BinaryCodeBatch.ofWords(new long[]{1}, 1, 63);
            assertThatThrownBy(() -> b.search(db, q, 0)).isInstanceOf(BadInputException.class).hasMessageContaining("k must be between 1 and");
            assertThatThrownBy(() -> b.search(db, q, 4)).isInstanceOf(BadInputException.class).hasMessageContaining("got 4");
            assertThatThrownBy(() -> b.search(db, narrow, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("63-bit");
            try (PreparedDatabase kept = b.prepare(db)) {
                assertThatThrownBy(() -> kept.search(q, 4)).isInstanceOf(BadInputException.class).hasMessageContaining("got 4");
                assertThatThrownBy(() -> kept.search(narrow, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("63-bit");
            }
        }));
    }

    @Test
    void autoPicksAnAvailableBackendWithTheHighestPreference() {
        try (SearchBackend auto = SearchBackends.open("auto")) {
            int best = backends.stream().mapToInt(SearchBackend::autoPreference).max().orElseThrow();
            assertThat(auto.autoPreference()).isEqualTo(best);
            assertThat(auto.availability().available()).isTrue();
        }
    }

    @Test
    void unknownBackendIsBadInputNamingTheKnownOnes() {
        assertThatThrownBy(() -> SearchBackends.open("tpu")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown backend 'tpu'").hasMessageContaining("reference");
    }
}
