package io.binaryllm.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.binaryllm.kvcache.BitLinearPlan.Kind;
import io.binaryllm.lowbit.TernaryQuantizer;

/**
 * BitNet's linear layers in PyTorch tensors, for quantization-aware training: the weights and the inputs quantized as
 * the Java decoder quantizes them (docs/contracts.md, "Ternary weights and int8 activations"), with straight-through
 * gradients to the float latent weights and inputs ({@code x + (q(x) - x)} with the difference detached). Weights are
 * held as (in, out), so the decoder's row (an output's weights) is a column here.
 *
 * <p>{@link #project} in training multiplies the dequantized inputs by the dequantized weights (one float matmul, the
 * gradients' path); {@code exact} instead multiplies the integer codes (exact in float32: every partial sum is an
 * integer below 2^24) and rescales in the decoder's order, so that an evaluation here gives the decoder's products to
 * the bit and the two perplexities differ only by the float rounding of the rest of the network.
 */
final class TorchBitLinear {
    /** The int8 activations' range and the smallest absmax (the decoder's {@code Int8Activations}). */
    private static final float INT8_MAX = 127f;
    private static final float MIN_ABSMAX = 1e-5f;

    private TorchBitLinear() {
    }

    /**
     * A projection's input as its kind quantizes it, once for every projection of that kind that reads it (q, k and
     * v read one; gate and up another).
     *
     * @param value the dequantized input with the latent input's gradient (what training multiplies)
     * @param codes the integer codes: int8 values, or +-1 signs
     * @param scale (..., 1) a token's scale: {@code 127 / absmax} (int8; the product divides by it) or its mean |x|
     *              (signs; the product multiplies by it)
     */
    record Input(NDArray value, NDArray codes, NDArray scale) {
    }

    /**
     * {@code x} (..., in) quantized for a projection of {@code kind}: int8 a token ({@code q = clamp(rint(x * s), -128,
     * 127)}, {@code s = 127 / max(absmax, 1e-5)}, float product, half to even), or signs ({@code x > 0}: +1, else -1)
     * scaled by the mean |x| (summed in double, then rounded to float); the float input itself for a float projection.
     */
    static Input input(NDArray x, Kind kind) {
        NDArray v = x.stopGradient();
        return switch (kind) {
            case FLOAT -> new Input(x, null, null);
            case TERNARY, BINARY -> {
                NDArray absmax = v.abs().max(new int[]{-1}, true).maximum(MIN_ABSMAX);             // (..., 1)
                NDArray scale = absmax.onesLike().mul(INT8_MAX).div(absmax);
                NDArray codes = v.mul(scale).round().clip(-128, 127);
                yield new Input(straightThrough(x, codes.div(scale)), codes, scale);
            }
            case BINARY_SIGNS -> {
                NDArray scale = v.abs().toType(DataType.FLOAT64, false).mean(new int[]{-1}, true).toType(DataType.FLOAT32, false);
                NDArray codes = signs(v);
                yield new Input(straightThrough(x, codes.mul(scale)), codes, scale);
            }
        };
    }

    /**
     * {@code x @ w} as a projection of {@code kind} computes it, from {@code x = input(..., kind)}.
     *
     * @param w (in, out) float latent weights
     * @return (..., out)
     */
    static NDArray project(Input x, NDArray w, Kind kind, boolean exact) {
        return switch (kind) {
            case FLOAT -> x.value().matMul(w);
            case TERNARY -> {
                // scale = max((float) (sum |w| in double / n), 1e-5f); t = clamp(rint(w / scale), -1, 1); the product
                // uses the scale rounded to half, as the decoder stores it
                float scale = Math.max((float) (w.abs().toType(DataType.FLOAT64, false).sum().getDouble() / w.size()),
                        TernaryQuantizer.MIN_SCALE);
                float half = Float.float16ToFloat(Float.floatToFloat16(scale));
                NDArray trits = w.stopGradient().div(scale).round().clip(-1, 1);              // (in, out)
                yield exact
                        ? x.codes().matMul(trits).div(x.scale()).mul(half)                     // ((float) sum / xScale) * scale
                        : x.value().matMul(straightThrough(w, trits.mul(half)));
            }
            case BINARY, BINARY_SIGNS -> {
                NDArray signs = signs(w.stopGradient());                                       // (in, out)
                NDArray scales = rowScales(w);                                                  // (1, out)
                if (!exact) {
                    yield x.value().matMul(straightThrough(w, signs.mul(scales)));
                }
                NDArray acc = x.codes().matMul(signs).mul(scales);                              // (float) sum * scale
                yield kind == Kind.BINARY ? acc.div(x.scale()) : acc.mul(x.scale());
            }
        };
    }

    /**
     * (rows, cols) {@code w} on each row's int8 grid, as the decoder's int8 embedding ({@code Int8Rows}): {@code scale =
     * absmax / 127f}, {@code w' = rint(w / scale) * scale} in float (a row of zeros stays zero), with w's gradient.
     */
    static NDArray int8Rows(NDArray w) {
        NDArray v = w.stopGradient();
        NDArray scale = v.abs().max(new int[]{-1}, true).div(INT8_MAX);                      // (rows, 1)
        NDArray codes = v.div(scale.maximum(Float.MIN_VALUE)).round();                       // a zero row: 0 / MIN_VALUE
        return straightThrough(w, codes.mul(scale));
    }

    /** +1 where {@code v > 0}, else -1 (zero and negative zero are -1, as the decoder's sign bit rule). */
    private static NDArray signs(NDArray v) {
        return v.gt(0).toType(DataType.FLOAT32, false).mul(2).sub(1);
    }

    /** (1, out): each output's mean |w| over its inputs, summed in double, rounded to float and then to half. */
    private static NDArray rowScales(NDArray w) {
        return w.stopGradient().abs().toType(DataType.FLOAT64, false).mean(new int[]{0}, true)
                .toType(DataType.FLOAT32, false).toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false);
    }

    /** {@code quantized}'s value with {@code latent}'s gradient. */
    private static NDArray straightThrough(NDArray latent, NDArray quantized) {
        return latent.add(quantized.sub(latent).stopGradient());
    }
}
