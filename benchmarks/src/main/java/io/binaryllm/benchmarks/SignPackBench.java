package io.binaryllm.benchmarks;

import io.binaryllm.binarize.ScalarSignPacker;
import io.binaryllm.binarize.SignPacker;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Sign packing of 100,000 x 384 floats (154 MB): the scalar specification against the Vector API packer. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
public class SignPackBench {
    @Param({"scalar", "vector"})
    public String packer;

    private SignPacker impl;
    private FloatEmbeddingBatch x;
    private BinaryCodeBatch out;

    @Setup(Level.Trial)
    public void setUp() {
        impl = packer.equals("scalar") ? new ScalarSignPacker() : SignPacker.best();
        x = FloatEmbeddingBatch.allocate(100_000, 384, "x");
        SplitMix64 rng = new SplitMix64(3);
        for (long r = 0; r < x.rows(); r++) {
            for (int j = 0; j < x.dims(); j++) {
                x.set(r, j, (float) rng.nextGaussian());
            }
        }
        out = BinaryCodeBatch.allocate(x.rows(), x.dims(), "out");
    }

    @Benchmark
    public BinaryCodeBatch packSigns() {
        impl.packSigns(x, out);
        return out;
    }

    @Benchmark
    public double[] scales() {
        return impl.meanAbs(x);
    }
}
