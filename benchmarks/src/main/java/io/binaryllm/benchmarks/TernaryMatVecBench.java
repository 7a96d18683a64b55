package io.binaryllm.benchmarks;

import io.binaryllm.lowbit.Int8Activations;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatVec;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.lowbit.TernaryQuantizer;
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
 * One matrix-vector product of a 2048 x 2048 layer on one thread (bitnet.cpp's published kernel shape): ternary
 * weights (one byte a trit, and packed in TQ2_0 blocks) against int8 activations (quantizing the activations
 * included), through the Java kernels ({@code java}: the Vector API's) or the C ones ({@code native}: AVX-512 VNNI
 * or AVX2), and the same layer in float through {@link Dot#matVec} as this run's reference point; and a prompt of 16
 * tokens through one matrix-matrix product. Run at {@code -Dbinaryllm.vectorization=scalar} too
 * ({@code -jvmArgsAppend}) for the scalar kernel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dbinaryllm.threads=1"})
public class TernaryMatVecBench {
    @Param({"2048"})
    public int n;

    /** {@code java} or {@code native}. */
    @Param({"java", "native"})
    public String kernels;

    private static final int PROMPT = 16;
    private LowBitKernels k;
    private float[] prompt;
    private byte[] promptQ;
    private float[] promptScales;

    private TernaryMatrix ternary;
    private PackedTernary tq2;
    private float[] weights;
    private float[] x;
    private byte[] q;
    private float[] out;

    @Setup
    public void setUp() {
        SplitMix64 rng = new Seeds(1).stream("jmh/ternary");
        weights = new float[n * n];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) rng.nextGaussian();
        }
        x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        ternary = TernaryQuantizer.perTensor(weights, n, n);
        tq2 = PackedTernary.of(ternary, TernaryFormat.TQ2_0);
        q = new byte[n];
        out = new float[n];
        k = kernels.equals("native") ? LowBitKernels.nativeC().orElseThrow(() -> new IllegalStateException("no native kernels here"))
                : LowBitKernels.java();
        prompt = new float[PROMPT * n];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (float) rng.nextGaussian();
        }
        promptQ = new byte[PROMPT * n];
        promptScales = new float[PROMPT];
    }

    @Benchmark
    public float[] ternaryTimesInt8() {
        float scale = Int8Activations.quantize(x, 0, n, q, 0);
        return TernaryMatVec.matMul(k, ternary, q, new float[]{scale});
    }

    /** 16 tokens at once: divide by 16 for a token's share. */
    @Benchmark
    public float[] promptOf16TernaryTimesInt8() {
        for (int b = 0; b < PROMPT; b++) {
            promptScales[b] = Int8Activations.quantize(prompt, b * n, n, promptQ, b * n);
        }
        return TernaryMatVec.matMul(k, ternary, promptQ, promptScales);
    }

    @Benchmark
    public float[] tq2TimesInt8() {
        float scale = Int8Activations.quantize(x, 0, n, q, 0);
        return TernaryMatVec.matMul(k, tq2, q, new float[]{scale});
    }

    @Benchmark
    public float[] floatTimesFloat() {
        Dot.matVec(weights, 0, n, n, x, 0, out, 0);
        return out;
    }
}
