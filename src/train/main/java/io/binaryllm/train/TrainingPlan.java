package io.binaryllm.train;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.LlamaConfig;

/**
 * How a model is trained: its shape, then {@code steps} AdamW steps on {@code batch} windows of the context drawn
 * from the training tokens by the {@code train/windows} stream of {@code seed}'s {@code Seeds} (the initial weights come
 * from its {@code train/init} stream), the
 * learning rate rising linearly over {@code warmup} steps to {@code peakLr} and falling along a cosine to
 * {@code minLr}; every {@code evalEvery} steps the held-out loss of its first {@code evalWindows} windows is logged.
 * Then, if there is one, the {@code lowBit} phase: quantization-aware training of its projections, with its own steps,
 * schedule and weight decay and a fresh optimizer (the windows keep coming from the same stream). {@code steps} may be
 * 0 when a low-bit phase follows (a model trained in float before, {@code train-llama --init}); a trainer refuses a plan
 * of no steps at all.
 */
public record TrainingPlan(LlamaConfig model, int steps, int batch, float peakLr, float minLr, int warmup,
                           float weightDecay, float clip, long seed, int evalEvery, int evalWindows, LowBitPhase lowBit) {
    /**
     * The low-bit phase: {@code layers}' projections trained through their quantizers for {@code steps} steps, the
     * learning rate rising over {@code warmup} steps to {@code peakLr} and falling along a cosine to {@code minLr}.
     * BitNet b1.58 Reloaded and the BitNet reports find weight decay harmful here (it pulls latent weights into the
     * zero trit); 0 is the usual choice.
     */
    public record LowBitPhase(BitLinearPlan layers, int steps, float peakLr, float minLr, int warmup, float weightDecay) {
        public LowBitPhase {
            if (layers == null || !layers.isLowBit()) {
                throw new BadArgumentException("layers", "a low-bit phase needs a plan with a low-bit projection, got " + layers);
            }
            if (layers.int8Classifier()) {
                throw new BadArgumentException("layers", "the trained model's classifier is its embedding: make the embedding int8 instead");
            }
            positive("lowBitSteps", steps);
            schedule("lowBitLr", "lowBitWeightDecay", peakLr, minLr, warmup, weightDecay);
        }

        /** The learning rate of the phase's step {@code s} (0-based). */
        public float learningRate(int s) {
            return cosine(s, steps, peakLr, minLr, warmup);
        }
    }

    /** A float-only plan. */
    public TrainingPlan(LlamaConfig model, int steps, int batch, float peakLr, float minLr, int warmup, float weightDecay,
                        float clip, long seed, int evalEvery, int evalWindows) {
        this(model, steps, batch, peakLr, minLr, warmup, weightDecay, clip, seed, evalEvery, evalWindows, null);
    }

    public TrainingPlan {
        if (model == null) {
            throw new BadArgumentException("model", "a model shape is required");
        }
        if (steps < 0) {
            throw new BadArgumentException("steps", "steps must be at least 0, got " + steps);
        }
        positive("batch", batch);
        positive("evalEvery", evalEvery);
        positive("evalWindows", evalWindows);
        schedule("peakLr", "weightDecay", peakLr, minLr, warmup, weightDecay);
        if (!(clip > 0)) {
            throw new BadArgumentException("clip", "the clip must be > 0, got " + clip);
        }
    }

    /** The same plan followed by {@code phase}. */
    public TrainingPlan then(LowBitPhase phase) {
        return new TrainingPlan(model, steps, batch, peakLr, minLr, warmup, weightDecay, clip, seed, evalEvery, evalWindows, phase);
    }

    /** Every step of the plan, both phases. */
    public int totalSteps() {
        return steps + (lowBit == null ? 0 : lowBit.steps());
    }

    private static void schedule(String lrName, String decayName, float peakLr, float minLr, int warmup, float weightDecay) {
        if (!(peakLr > 0) || !(minLr >= 0) || minLr > peakLr) {
            throw new BadArgumentException(lrName, "learning rates must satisfy 0 <= minLr <= peakLr and peakLr > 0, got "
                    + minLr + " and " + peakLr);
        }
        if (warmup < 0) {
            throw new BadArgumentException(lrName, "the warm-up must be >= 0 steps, got " + warmup);
        }
        if (!(weightDecay >= 0) || weightDecay > 1) {
            throw new BadArgumentException(decayName, "the weight decay is from 0 to 1, got " + weightDecay);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new BadArgumentException(name, name + " must be at least 1, got " + v);
        }
    }

    /**
     * The project's Jane Austen model: 6 layers of width 192 (6 heads of 32, SwiGLU 512), a 2,048-token vocabulary
     * and a 512-token context, about 3 million parameters; sized to train in under half an hour on two CPU cores.
     */
    public static TrainingPlan austen(int steps, long seed) {
        return austen(steps, seed, 192, 512);
    }

    /** {@link #austen(int, long)}'s recipe at another width: {@code dim / 32} heads of 32, SwiGLU {@code hiddenDim}. */
    public static TrainingPlan austen(int steps, long seed, int dim, int hiddenDim) {
        return new TrainingPlan(new LlamaConfig(dim, hiddenDim, 6, dim / 32, dim / 32, 2048, 512, true), steps, 8, 2e-3f, 2e-4f,
                Math.min(100, steps / 10), 0.1f, 1.0f, seed, 100, 16);
    }

    /** The learning rate of step {@code s} (0-based). */
    public float learningRate(int s) {
        return cosine(s, steps, peakLr, minLr, warmup);
    }

    private static float cosine(int s, int steps, float peakLr, float minLr, int warmup) {
        if (s < warmup) {
            return peakLr * (s + 1) / warmup;
        }
        double progress = steps == warmup ? 1.0 : (double) (s - warmup) / (steps - warmup);
        return (float) (minLr + 0.5 * (peakLr - minLr) * (1 + StrictMath.cos(Math.PI * progress)));
    }
}
