package io.binaryllm.benchmarks;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.seed.Seeds;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One 384-dim row to 1024 hyperplane bits, as the langchain4j store encodes a query: the reference point is a
 * binarizer used once (it draws its 1024 x 384 projection, as every call did before the projection was kept),
 * against one binarizer reused (the projection drawn once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
public class HyperplaneRowBench {
    private FloatEmbeddingBatch row;
    private Binarizer reused;

    @Setup(Level.Trial)
    public void setUp() {
        float[][] v = new float[1][384];
        for (int j = 0; j < 384; j++) {
            v[0][j] = (float) Math.sin(j);
        }
        row = FloatEmbeddingBatch.of(v);
        reused = Binarizers.create("hyperplane", 1024, new Seeds(1));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        row.close();
    }

    @Benchmark
    public long freshBinarizer() {
        try (Binarized b = Binarizers.create("hyperplane", 1024, new Seeds(1)).binarize(row)) {
            return b.codes().word(0, 0);
        }
    }

    @Benchmark
    public long reusedBinarizer() {
        try (Binarized b = reused.binarize(row)) {
            return b.codes().word(0, 0);
        }
    }
}
