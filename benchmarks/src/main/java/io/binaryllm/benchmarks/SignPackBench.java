package io.binaryllm.benchmarks;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.ScaledSignBinarizer;
import io.binaryllm.binarize.SignBinarizer;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.seed.SplitMix64;
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
 * Sign packing and scales of 100,000 x 384 floats (154 MB) through the public binarizers: the scalar kernels (the
 * specification, {@code -Dbinaryllm.vectorization=scalar} in their forks) against the Vector API ones (the default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
public class SignPackBench {
    private static final String SCALAR = "-Dbinaryllm.vectorization=scalar";

    private final SignBinarizer sign = new SignBinarizer();
    private FloatEmbeddingBatch x;

    @Setup(Level.Trial)
    public void setUp() {
        x = FloatEmbeddingBatch.allocate(100_000, 384, "x");
        SplitMix64 rng = new SplitMix64(3);
        for (long r = 0; r < x.rows(); r++) {
            for (int j = 0; j < x.dims(); j++) {
                x.set(r, j, (float) rng.nextGaussian());
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
    }

    private long packSigns() {
        try (Binarized b = sign.binarize(x)) {
            return b.codes().word(x.rows() - 1, 0);
        }
    }

    @Benchmark
    public long packSignsVector() {
        return packSigns();
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = SCALAR)
    public long packSignsScalar() {
        return packSigns();
    }

    @Benchmark
    public double[] scalesVector() {
        return ScaledSignBinarizer.scales(x);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"}, jvmArgsAppend = SCALAR)
    public double[] scalesScalar() {
        return ScaledSignBinarizer.scales(x);
    }
}
