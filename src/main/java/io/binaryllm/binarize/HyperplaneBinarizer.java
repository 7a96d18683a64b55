package io.binaryllm.binarize;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
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

    public HyperplaneBinarizer(int bits, Seeds seeds) {
        if (bits < 1) {
            throw new BadInputException("hyperplane: --bits must be a positive bit count, got " + bits);
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
        SplitMix64 rng = seeds.stream(Seeds.HYPERPLANE);
        float[] r = new float[Math.multiplyExact(bits, dims)];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        return r;
    }

    @Override
    public Binarized binarize(FloatEmbeddingBatch input) {
        input.requireFinite();
        int d = input.dims();
        float[] r = projection(d);
        BinaryCodeBatch out = BinaryCodeBatch.allocate(input.rows(), bits, input.source());
        float[] x = new float[d];
        for (long row = 0; row < input.rows(); row++) {
            input.copyRow(row, x);
            long word = 0;
            for (int i = 0; i < bits; i++) {
                float acc = 0f;
                int base = i * d;
                for (int j = 0; j < d; j++) {
                    acc = Math.fma(r[base + j], x[j], acc);
                }
                if (acc > 0f) {
                    word |= 1L << (i & 63);
                }
                if ((i & 63) == 63 || i == bits - 1) {
                    out.setWord(row, i >>> 6, word);
                    word = 0;
                }
            }
        }
        return new Binarized(out, Optional.empty());
    }
}
