package io.binaryllm.benchmarks;

import io.binaryllm.metric.Cosine;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The runner's exact float baseline (cosine top-100) on 20,000 x 384 floats and 256 queries: the reference point,
 * one query scanning the whole corpus at a time in parallel ({@link Cosine#topKOne}, the former implementation),
 * against {@link Cosine#topKAll} (query blocks over L2-sized tiles, four rows a time). Same results, bit for bit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
public class FloatBaselineBench {
    private static final int N = 20_000;
    private static final int D = 384;
    private float[] corpus;
    private double[] norms;
    private float[][] queries;

    @Setup(Level.Trial)
    public void setUp() {
        SplitMix64 rng = new SplitMix64(5);
        corpus = new float[N * D];
        for (int i = 0; i < corpus.length; i++) {
            corpus[i] = (float) rng.nextGaussian();
        }
        norms = Cosine.squaredNorms(corpus, N, D);
        queries = new float[256][D];
        for (float[] q : queries) {
            for (int j = 0; j < D; j++) {
                q[j] = (float) rng.nextGaussian();
            }
        }
    }

    @Benchmark
    public long[][] oneQueryAtATime() {
        long[][] out = new long[queries.length][];
        IntStream.range(0, out.length).parallel().forEach(q -> out[q] = Cosine.topKOne(corpus, norms, D, queries[q], 100, null));
        return out;
    }

    @Benchmark
    public long[][] blockedTiles() {
        return Cosine.topKAll(corpus, norms, D, queries, 100, null);
    }
}
