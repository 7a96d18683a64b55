package io.binaryllm.benchmarks;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.SignBinarizer;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.quantize.OsqCodes;
import io.binaryllm.quantize.OsqQuantizer;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One exact top-10 search of 100 queries over 200,000 Gaussian 384-dim vectors, per backend: osq at 1 and 2 bits a
 * dimension (4-bit queries) and, as the same run's reference point, sign Hamming on the same vectors (384-bit codes,
 * the size of osq's 1-bit planes). The ratio osq / hamming is what docs/performance.md quotes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OsqSearchBench {
    private static final int DIMS = 384;

    @Param({"cpu", "native"})
    public String backend;

    @Param({"hamming", "osq-1x4", "osq-2x4"})
    public String kind;

    private SearchBackend searcher;
    private OsqCodes docs;
    private OsqCodes queries;
    private Binarized docCodes;
    private Binarized queryCodes;

    @Setup(Level.Trial)
    public void setUp() {
        Seeds seeds = new Seeds(1);
        try (FloatEmbeddingBatch d = gaussian(seeds.stream("jmh/osq/db"), 200_000);
             FloatEmbeddingBatch q = gaussian(seeds.stream("jmh/osq/q"), 100)) {
            if (kind.equals("hamming")) {
                docCodes = new SignBinarizer().binarize(d);
                queryCodes = new SignBinarizer().binarize(q);
            } else {
                OsqQuantizer quantizer = OsqQuantizer.fit(d, kind.equals("osq-1x4") ? 1 : 2);
                docs = quantizer.encodeDocuments(d);
                queries = quantizer.encodeQueries(q, 4);
            }
        }
        searcher = SearchBackends.open(backend);
    }

    private static FloatEmbeddingBatch gaussian(SplitMix64 rng, int rows) {
        FloatEmbeddingBatch out = FloatEmbeddingBatch.allocate(rows, DIMS, "gaussian");
        for (long r = 0; r < rows; r++) {
            for (int j = 0; j < DIMS; j++) {
                out.set(r, j, (float) rng.nextGaussian());
            }
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        searcher.close();
        for (AutoCloseable c : new AutoCloseable[]{docs, queries, docCodes, queryCodes}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Benchmark
    public Object search() {
        return kind.equals("hamming") ? searcher.search(docCodes.codes(), queryCodes.codes(), 10) : searcher.search(docs, queries, 10);
    }
}
