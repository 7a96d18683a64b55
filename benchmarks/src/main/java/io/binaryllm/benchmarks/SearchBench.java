package io.binaryllm.benchmarks;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;
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

/** One exact top-k search of 100 queries over 200,000 random codes, per backend and code width. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SearchBench {
    @Param({"cpu", "native"})
    public String backend;

    @Param({"256", "1024"})
    public int bits;

    @Param({"10"})
    public int k;

    private SearchBackend searcher;
    private BinaryCodeBatch db;
    private BinaryCodeBatch queries;

    @Setup(Level.Trial)
    public void setUp() {
        Seeds seeds = new Seeds(1);
        db = RandomCodes.generate(seeds.stream("jmh/db"), 200_000, bits, "db");
        queries = RandomCodes.generate(seeds.stream("jmh/q"), 100, bits, "q");
        searcher = SearchBackends.open(backend);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        searcher.close();
        db.close();
        queries.close();
    }

    @Benchmark
    public SearchResult search() {
        return searcher.search(db, queries, k);
    }
}
