package io.binaryllm.benchmarks;

import io.binaryllm.metric.Dot;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A decoder's float matrix-vector product ({@link Dot#matVec}, the specified order) on one thread: the Austen model's
 * SwiGLU projection (512 x 192, in cache), stories110M's (2048 x 768, from memory when {@code copies} matrices are
 * cycled through) and its classifier (32000 x 768, 98 MB). The weights' bytes over the time is the rate to set against
 * a core's read bandwidth ({@code benchmarks/bandwidth.sh}). The kernel is this JVM's: C at the native level (the
 * default), the Vector API with {@code -jvmArgsAppend -Dbinaryllm.vectorization=vector}, scalar Java with {@code scalar}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
public class FloatMatVecBench {
    /** rows x cols x copies: copies of the matrix read in turn, so that together they are larger than the caches. */
    @Param({"512x192x1", "2048x768x40", "32000x768x1"})
    public String shape;

    private int rows;
    private int cols;
    private float[][] w; // [copies] (rows, cols)
    private float[] x;   // [cols]
    private float[] out; // [rows]
    private int next;

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        cols = Integer.parseInt(p[1]);
        SplitMix64 rng = new Seeds(1).stream("jmh/float-matvec");
        w = new float[Integer.parseInt(p[2])][rows * cols];
        for (float[] m : w) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) rng.nextGaussian();
            }
        }
        x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        out = new float[rows];
    }

    @Benchmark
    public float[] matVec() {
        float[] m = w[next];
        next = next + 1 == w.length ? 0 : next + 1;
        Dot.matVec(m, 0, rows, cols, x, 0, out, 0);
        return out;
    }
}
