package io.binaryllm.kvcache.internal;

import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.BitLinearPlan.Kind;
import io.binaryllm.kvcache.BitLinearPlan.Projection;
import io.binaryllm.lowbit.BinaryMatrix;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.lowbit.PackedTernary;
import io.binaryllm.lowbit.TernaryFormat;
import io.binaryllm.lowbit.TernaryMatrix;
import io.binaryllm.lowbit.TernaryQuantizer;

import java.util.Arrays;

/**
 * Builds a decoder's projections from float weights and a {@link BitLinearPlan}. A ternary projection is BitNet
 * b1.58's: absmean trits with one scale a matrix (a layer's projection), the scale rounded to half precision as the
 * block formats store it, so that the same trits give the same floats unpacked, in TQ2_0 or read back from a GGUF
 * file; held in TQ2_0 blocks (2.06 bits a weight) where rows are whole blocks of 256, else one byte a trit. A binary
 * projection keeps a scale a row (the mean |w|, in half precision).
 */
public final class LowBitLayers {
    private LowBitLayers() {
    }

    /** The (rows, cols) matrix at {@code w[offset]} as {@code kind} prescribes. */
    public static Linear of(Kind kind, float[] w, int offset, int rows, int cols, LowBitKernels kernels) {
        if (kind == Kind.FLOAT) {
            return new Linear.Float32(w, offset, rows, cols);
        }
        float[] m = Arrays.copyOfRange(w, offset, offset + rows * cols);
        return switch (kind) {
            case TERNARY -> ternary(TernaryQuantizer.perTensor(m, rows, cols), kernels);
            case BINARY, BINARY_SIGNS -> new Linear.Binary(BinaryMatrix.quantize(m, rows, cols, cols), kind == Kind.BINARY_SIGNS, kernels);
            case FLOAT -> throw new AssertionError();
        };
    }

    /** A ternary projection of {@code t}'s trits with its scale rounded to half precision, packed where it can be. */
    public static Linear.Ternary ternary(TernaryMatrix t, LowBitKernels kernels) {
        float[] halves = new float[t.scales().length];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = Float.float16ToFloat(Float.floatToFloat16(t.scales()[i]));
        }
        TernaryMatrix rounded = new TernaryMatrix(t.rows(), t.cols(), t.trits(), halves);
        return t.cols() % TernaryFormat.BLOCK == 0
                ? new Linear.Ternary(null, PackedTernary.of(rounded, TernaryFormat.TQ2_0), kernels)
                : new Linear.Ternary(rounded, null, kernels);
    }

    /** The projections of every layer: {@code [projection][layer]}. */
    public static Linear[][] all(BitLinearPlan plan, int layers, int dim, int kvDim, int hidden, float[][] byProjection, LowBitKernels kernels) {
        Linear[][] out = new Linear[Projection.values().length][layers];
        for (Projection p : Projection.values()) {
            int rows = rows(p, dim, kvDim, hidden);
            int cols = cols(p, dim, hidden);
            for (int l = 0; l < layers; l++) {
                out[p.ordinal()][l] = of(plan.kind(p), byProjection[p.ordinal()], l * rows * cols, rows, cols, kernels);
            }
        }
        return out;
    }

    /** Output features of projection {@code p}. */
    public static int rows(Projection p, int dim, int kvDim, int hidden) {
        return switch (p) {
            case Q, O, DOWN -> dim;
            case K, V -> kvDim;
            case GATE, UP -> hidden;
        };
    }

    /** Input features of projection {@code p}. */
    public static int cols(Projection p, int dim, int hidden) {
        return p == Projection.DOWN ? hidden : dim;
    }

    /** llama.cpp's tensor name of projection {@code p} in a layer ({@code blk.N.<name>.weight}). */
    public static String ggufName(Projection p) {
        return switch (p) {
            case Q -> "attn_q";
            case K -> "attn_k";
            case V -> "attn_v";
            case O -> "attn_output";
            case GATE -> "ffn_gate";
            case UP -> "ffn_up";
            case DOWN -> "ffn_down";
        };
    }
}
