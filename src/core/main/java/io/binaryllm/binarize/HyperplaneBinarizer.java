package io.binaryllm.binarize;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.vectorization.ProjectionSigns;
import io.binaryllm.internal.vectorization.VectorizationProvider;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;

import java.util.Optional;

/**
 * {@code hyperplane} (SimHash, Charikar 2002): bit i is 1 iff {@code (R x)_i > 0}, R an m x d Gaussian matrix.
 *
 * <p>The operation order is part of the contract, because GPU kernels must reproduce the signs bit for bit:
 * R is drawn row-major from the {@value Seeds#HYPERPLANE} stream ({@link SplitMix64#nextGaussian()}, rounded to
 * float32); {@code (R x)_i} is accumulated in float32 from 0 over j = 0..d-1 as {@code acc = fma(R[i][j], x[j], acc)}.
 * A fused multiply-add is exactly rounded, so CPUs, CUDA and OpenCL all agree on every step.
 */
public final class HyperplaneBinarizer implements Binarizer {
    private final int bits;
    private final Seeds seeds;
    /**
     * The last projection built, transposed for a kernel: drawing it (bits x dims Gaussians) costs more than
     * binarizing a few rows, and a store or an engine binarizes a few rows at a time. A pure function of
     * (dims, stride), so sharing it between threads is safe.
     */
    private volatile Transposed last;

    private record Transposed(int dims, int stride, float[] rt) {
    }

    public HyperplaneBinarizer(int bits, Seeds seeds) {
        if (bits < 1) {
            throw new BadArgumentException("bits", "hyperplane needs a positive bit count, got " + bits);
        }
        this.bits = bits;
        this.seeds = seeds;
    }

    @Override
    public String name() {
        return "hyperplane";
    }

    @Override
    public int bits(int dims) {
        return bits;
    }

    /** The m x d projection, row-major. */
    public float[] projection(int dims) {
        requireProjectionFits(dims, bits, 1);
        SplitMix64 rng = seeds.stream(Seeds.HYPERPLANE);
        float[] r = new float[bits * dims];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        return r;
    }

    /**
     * Refuses, naming {@code bits}, the projection for rows of {@code dims} dimensions when no array or this JVM's
     * heap holds it: callers that know where {@code bits} came from check before any work.
     */
    public void requireFits(int dims) {
        ProjectionSigns kernel = VectorizationProvider.get().projectionSigns();
        requireProjectionFits(dims, stride(kernel), 2);
    }

    private int stride(ProjectionSigns kernel) {
        int pass = kernel.outputsPerPass();
        return (int) Math.min(Integer.MAX_VALUE, ((long) bits + pass - 1) / pass * pass);
    }

    /**
     * Refuses, naming {@code bits}, a projection of {@code dims x columns} floats ({@code copies} of it at once) that
     * no Java array holds or the heap cannot give: {@code --bits 2000000000} is a mistake to report, not to try.
     */
    private void requireProjectionFits(int dims, int columns, int copies) {
        long entries = (long) dims * columns;
        if (entries > Integer.MAX_VALUE - 8) {
            throw new BadArgumentException("bits", "a hyperplane projection of " + bits + " bits x " + dims + " dimensions has "
                    + entries + " entries, more than one array holds (2^31)");
        }
        MemoryBudget.requireHeapFor("bits", MemoryBudget.bytes(entries, Float.BYTES, copies),
                "a hyperplane projection of " + bits + " bits x " + dims + " dimensions");
    }

    /** R transposed: one output per column, zero-padded to {@code stride} columns (never modified once built). */
    private float[] transposed(int d, int stride) {
        Transposed t = last;
        if (t != null && t.dims() == d && t.stride() == stride) {
            return t.rt();
        }
        requireProjectionFits(d, stride, 2);
        float[] r = projection(d);
        float[] rt = new float[d * stride];
        for (int i = 0; i < bits; i++) {
            for (int j = 0; j < d; j++) {
                rt[j * stride + i] = r[i * d + j];
            }
        }
        last = new Transposed(d, stride, rt);
        return rt;
    }

    @Override
    public Binarized binarize(FloatEmbeddingBatch input) {
        ProjectionSigns kernel = VectorizationProvider.get().projectionSigns();
        input.requireFinite();
        int d = input.dims();
        int stride = stride(kernel);
        float[] rt = transposed(d, stride);
        BinaryCodeBatch out = BinaryCodeBatch.allocate(input.rows(), bits, input.source());
        float[] x = new float[d];
        long[] words = new long[out.words()];
        for (long row = 0; row < input.rows(); row++) {
            input.copyRow(row, x);
            kernel.signs(rt, stride, bits, x, words);
            for (int w = 0; w < words.length; w++) {
                out.setWord(row, w, words[w]);
            }
        }
        return new Binarized(out, Optional.empty());
    }
}
