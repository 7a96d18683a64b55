package io.binaryllm.search;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backend is shared by the threads of a JVM application (a web server's request threads, a langchain4j store):
 * one-shot searches, searches through prepared databases, and prepare / close, all at once from several threads,
 * must each give the answer they give alone. Runs every available backend (GPU runtimes are JVM-wide, so this also
 * mixes their pooled and kept buffers).
 */
class ConcurrentSearchTest {
    @Test
    void searchesFromManyThreadsAtOnceEqualTheOracle() throws Exception {
        int bits = 131;
        int[][] dbA = CodeGen.tieHeavy(1, 700, bits);
        int[][] dbB = CodeGen.random(2, 333, bits);
        int[][] q = CodeGen.tieHeavy(3, 9, bits);
        BinaryCodeBatch a = Oracle.codes(dbA, bits);
        BinaryCodeBatch b = Oracle.codes(dbB, bits);
        BinaryCodeBatch qs = Oracle.codes(q, bits);
        int[] ks = {1, 10, 40};
        List<SearchBackend> backends = Backends.available();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (SearchBackend backend : backends) {
                try (PreparedDatabase keptA = backend.prepare(a)) {
                    List<Future<String>> results = new ArrayList<>();
                    for (int t = 0; t < 24; t++) {
                        int task = t;
                        results.add(threads.submit(() -> {
                            int k = ks[task % ks.length];
                            SearchResult got = switch (task % 3) {
                                case 0 -> keptA.search(qs, k);                 // one prepared database, shared
                                case 1 -> backend.search(b, qs, k);            // one-shot on another database
                                default -> {                                   // prepared and closed by this thread
                                    try (PreparedDatabase mine = backend.prepare(b)) {
                                        yield mine.search(qs, k);
                                    }
                                }
                            };
                            SearchResult expected = Oracle.topK(task % 3 == 0 ? dbA : dbB, q, k);
                            String diff = got.firstDifference(expected);
                            return diff == null ? null : backend.name() + " task " + task + " k=" + k + ": " + diff;
                        }));
                    }
                    for (Future<String> r : results) {
                        assertThat(r.get()).isNull();
                    }
                }
            }
        } finally {
            threads.shutdownNow();
            backends.forEach(SearchBackend::close);
        }
    }
}
