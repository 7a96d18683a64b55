package io.binaryllm.testing;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every search backend passes, each result compared entry by entry with the independent {@link Oracle}:
 * word-boundary sizes, odd and prime bit counts, random and tie-heavy codes, k = 1 .. n, one-shot and through the
 * backend's {@link BinaryIndex}; argument checks; searches from many threads at once; an index closed once. A module
 * that registers backends extends this class and names them (langchain4j's EmbeddingStoreIT pattern), so a new
 * backend needs no new test code. A backend that cannot run here is skipped with the reason ({@link Backends#open}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SearchBackendContract {
    private static final int[] ROWS = {1, 2, 63, 64, 65, 127, 128, 129};
    private static final int[] BITS = {1, 7, 63, 64, 65, 127, 128, 129, 257, 1031};

    /** The backends under test, by name. */
    protected abstract List<String> backendNames();

    @TestFactory
    Stream<DynamicNode> everyBackendEqualsTheOracle() {
        return backendNames().stream().map(name -> {
            List<DynamicTest> tests = new ArrayList<>();
            if (!Backends.isAvailable(name)) { // one test that skips (or fails in CI) with the reason, not one per case
                return DynamicContainer.dynamicContainer(name, List.of(DynamicTest.dynamicTest("available", () -> Backends.open(name).close())));
            }
            for (int n : ROWS) {
                for (int bits : BITS) {
                    for (String kind : List.of("random", "tie-heavy")) {
                        long seed = 1_000_003L * n + bits;
                        tests.add(DynamicTest.dynamicTest("n=" + n + " bits=" + bits + " " + kind,
                                () -> checkAllK(name, seed, n, bits, 5, kind)));
                    }
                }
            }
            tests.add(DynamicTest.dynamicTest("n=1000 bits=256 20 queries", () -> checkAllK(name, 42, 1000, 256, 20, "random")));
            tests.add(DynamicTest.dynamicTest("n=777 bits=24 tie-heavy 33 queries", () -> checkAllK(name, 43, 777, 24, 33, "tie-heavy")));
            return DynamicContainer.dynamicContainer(name, tests);
        });
    }

    private static void checkAllK(String name, long seed, int n, int bits, int nq, String kind) {
        int[][] db = kind.equals("random") ? CodeGen.random(seed, n, bits) : CodeGen.tieHeavy(seed, n, bits);
        int[][] q = kind.equals("random") ? CodeGen.random(seed + 1, nq, bits) : CodeGen.tieHeavy(seed, nq, bits);
        q[0] = db[n / 2].clone(); // a query equal to a database row: distance-0 ties with its duplicates
        BinaryCodeBatch dbCodes = Oracle.codes(db, bits);
        BinaryCodeBatch qCodes = Oracle.codes(q, bits);
        try (SearchBackend backend = Backends.open(name); BinaryIndex<BinaryCodeBatch> index = backend.index(dbCodes)) {
            for (int k : new TreeSet<>(List.of(1, Math.min(2, n), Math.min(10, n), Math.max(n - 1, 1), n))) {
                SearchResult expected = Oracle.topK(db, q, k);
                SearchResult actual = backend.search(dbCodes, qCodes, k);
                assertThat(actual.firstDifference(expected)).as("k=%d", k).isNull();
                assertThat(actual).isEqualTo(expected);
                assertThat(index.search(qCodes, k).firstDifference(expected)).as("index (%s), k=%d", index.residence(), k).isNull();
            }
        }
    }

    /** Dimensions at and around word boundaries, odd and prime, and the MiniLM width. */
    private static final int[] OSQ_DIMS = {1, 7, 63, 64, 65, 97, 130, 384};

    /**
     * osq: every document width (1, 2, 4 bits) against every query width (4, 8), random, tie-heavy and clustered
     * vectors, k = 1 .. n, each result equal to {@link OsqOracle}'s bit for bit (indices and score bits).
     */
    @TestFactory
    Stream<DynamicNode> everyBackendEqualsTheOsqOracle() {
        return backendNames().stream().map(name -> {
            List<DynamicTest> tests = new ArrayList<>();
            if (!Backends.isAvailable(name)) {
                return DynamicContainer.dynamicContainer(name, List.of(DynamicTest.dynamicTest("available", () -> Backends.open(name).close())));
            }
            for (int dims : OSQ_DIMS) {
                for (int docBits : new int[]{1, 2, 4}) {
                    for (int queryBits : new int[]{4, 8}) {
                        for (String kind : List.of("random", "tie-heavy", "clustered")) {
                            int n = dims == 384 ? 129 : 65;
                            long seed = 7_919L * dims + 31L * docBits + queryBits;
                            tests.add(DynamicTest.dynamicTest("dims=" + dims + " " + docBits + "x" + queryBits + " bits " + kind,
                                    () -> checkOsqAllK(name, seed, n, dims, docBits, queryBits, 4, kind)));
                        }
                    }
                }
            }
            tests.add(DynamicTest.dynamicTest("n=1500 dims=384 1x4 bits clustered 40 queries",
                    () -> checkOsqAllK(name, 44, 1500, 384, 1, 4, 40, "clustered")));
            return DynamicContainer.dynamicContainer(name, tests);
        });
    }

    private static void checkOsqAllK(String name, long seed, int n, int dims, int docBits, int queryBits, int nq, String kind) {
        var docs = OsqOracle.vectors(seed, n, dims, kind);
        var qs = OsqOracle.vectors(seed + 1, nq, dims, kind);
        OsqQuantizer quantizer = OsqQuantizer.fit(docs, docBits);
        try (SearchBackend backend = Backends.open(name); OsqCodes db = quantizer.encodeDocuments(docs);
             OsqCodes queries = quantizer.encodeQueries(qs, queryBits); BinaryIndex<OsqCodes> index = backend.index(db)) {
            for (int k : new TreeSet<>(List.of(1, Math.min(2, n), Math.min(10, n), Math.max(n - 1, 1), n))) {
                SearchResult expected = OsqOracle.topK(db, queries, k);
                assertThat(backend.search(db, queries, k).firstDifference(expected)).as("k=%d", k).isNull();
                assertThat(index.search(queries, k).firstDifference(expected)).as("index, k=%d", k).isNull();
            }
            index.close();
            assertThatThrownBy(() -> index.search(queries, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backendNames")
    void refusesMismatchedOsqCodesNamingThem(String name) {
        var docs = OsqOracle.vectors(1, 20, 70, "random");
        OsqQuantizer quantizer = OsqQuantizer.fit(docs, 1);
        OsqQuantizer other = OsqQuantizer.fit(OsqOracle.vectors(2, 20, 70, "random"), 1);
        try (SearchBackend b = Backends.open(name); OsqCodes db = quantizer.encodeDocuments(docs);
             OsqCodes q = quantizer.encodeQueries(docs, 4); OsqCodes foreign = other.encodeQueries(docs, 4);
             OsqCodes docsAsQueries = quantizer.encodeDocuments(docs)) {
            assertThatThrownBy(() -> b.search(db, q, 0)).isInstanceOf(BadArgumentException.class)
                    .hasMessage("k must be between 1 and the database size 20, got 0");
            assertThatThrownBy(() -> b.search(db, q, 21)).isInstanceOf(BadArgumentException.class).hasMessageContaining("got 21");
            assertThatThrownBy(() -> b.search(db, foreign, 1)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("another centroid");
            assertThatThrownBy(() -> b.search(db, docsAsQueries, 1)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("encoded as documents");
            assertThatThrownBy(() -> b.search(q, q, 1)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("holds queries");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backendNames")
    void refusesBadArgumentsNamingThem(String name) {
        BinaryCodeBatch db = BinaryCodeBatch.ofWords(new long[]{1, 2, 3}, 3, 64);
        BinaryCodeBatch q = BinaryCodeBatch.ofWords(new long[]{1}, 1, 64);
        BinaryCodeBatch narrow = BinaryCodeBatch.ofWords(new long[]{1}, 1, 63);
        try (SearchBackend b = Backends.open(name); BinaryIndex<BinaryCodeBatch> index = b.index(db)) {
            assertThatThrownBy(() -> b.search(db, q, 0)).isInstanceOf(BadArgumentException.class)
                    .hasMessage("k must be between 1 and the database size 3, got 0")
                    .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("k");
            assertThatThrownBy(() -> b.search(db, q, 4)).isInstanceOf(BadArgumentException.class).hasMessageContaining("got 4");
            assertThatThrownBy(() -> b.search(db, narrow, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("63-bit");
            assertThatThrownBy(() -> index.search(q, 4)).isInstanceOf(BadArgumentException.class).hasMessageContaining("got 4");
            assertThatThrownBy(() -> index.search(narrow, 1)).isInstanceOf(BadInputException.class).hasMessageContaining("63-bit");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backendNames")
    void anIndexClosesOnceAndRefusesSearchesAfter(String name) {
        int[][] db = CodeGen.tieHeavy(5, 40, 70);
        int[][] q = CodeGen.random(6, 3, 70);
        try (SearchBackend b = Backends.open(name)) {
            BinaryIndex<BinaryCodeBatch> index = b.index(Oracle.codes(db, 70));
            assertThat(index.size()).isEqualTo(40);
            assertThat(index.residence()).isNotBlank();
            assertThat(index.search(Oracle.codes(q, 70), 4)).isEqualTo(Oracle.topK(db, q, 4));
            index.close();
            index.close();
            assertThatThrownBy(() -> index.search(Oracle.codes(q, 70), 4)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

    /**
     * A backend is shared by the threads of a JVM application (a web server's request threads, a langchain4j store):
     * one-shot searches, searches through a shared index, and index / close, all at once from several threads, each
     * give the answer they give alone (GPU runtimes are JVM-wide, so this also mixes their pooled and kept buffers).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backendNames")
    void searchesFromManyThreadsAtOnceEqualTheOracle(String name) throws Exception {
        int bits = 131;
        int[][] dbA = CodeGen.tieHeavy(1, 700, bits);
        int[][] dbB = CodeGen.random(2, 333, bits);
        int[][] q = CodeGen.tieHeavy(3, 9, bits);
        BinaryCodeBatch a = Oracle.codes(dbA, bits);
        BinaryCodeBatch b = Oracle.codes(dbB, bits);
        BinaryCodeBatch qs = Oracle.codes(q, bits);
        int[] ks = {1, 10, 40};
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try (SearchBackend backend = Backends.open(name); BinaryIndex<BinaryCodeBatch> sharedA = backend.index(a)) {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                int task = t;
                results.add(threads.submit(() -> {
                    int k = ks[task % ks.length];
                    SearchResult got = switch (task % 3) {
                        case 0 -> sharedA.search(qs, k);              // one index, shared
                        case 1 -> backend.search(b, qs, k);           // one-shot on another database
                        default -> {                                  // an index built and closed by this thread
                            try (BinaryIndex<BinaryCodeBatch> mine = backend.index(b)) {
                                yield mine.search(qs, k);
                            }
                        }
                    };
                    String diff = got.firstDifference(Oracle.topK(task % 3 == 0 ? dbA : dbB, q, k));
                    return diff == null ? null : "task " + task + " k=" + k + ": " + diff;
                }));
            }
            for (Future<String> r : results) {
                assertThat(r.get()).isNull();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
