package io.binaryllm.train;

import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.LlamaConfig;

/**
 * How a model is trained: its shape, then {@code steps} AdamW steps on {@code batch} windows of the context drawn
 * from the training tokens by the {@code train/windows} stream of {@code seed}'s {@code Seeds} (the initial weights come
 * from its {@code train/init} stream), the
 * learning rate rising linearly over {@code warmup} steps to {@code peakLr} and falling along a cosine to
 * {@code minLr}; every {@code evalEvery} steps the held-out loss of its first {@code evalWindows} windows is logged.
 */
public record TrainingPlan(LlamaConfig model, int steps, int batch, float peakLr, float minLr, int warmup,
                           float weightDecay, float clip, long seed, int evalEvery, int evalWindows) {
    public TrainingPlan {
        if (model == null) {
            throw new BadArgumentException("model", "a model shape is required");
        }
        positive("steps", steps);
        positive("batch", batch);
        positive("evalEvery", evalEvery);
        positive("evalWindows", evalWindows);
        if (!(peakLr > 0) || !(minLr >= 0) || minLr > peakLr) {
            throw new BadArgumentException("peakLr", "learning rates must satisfy 0 <= minLr <= peakLr and peakLr > 0, got "
                    + minLr + " and " + peakLr);
        }
        if (warmup < 0 || !(weightDecay >= 0) || !(clip > 0)) {
            throw new BadArgumentException("warmup", "warmup and weight decay must be >= 0 and the clip > 0");
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
        return new TrainingPlan(new LlamaConfig(192, 512, 6, 6, 6, 2048, 512, true), steps, 8, 2e-3f, 2e-4f,
                Math.min(100, steps / 10), 0.1f, 1.0f, seed, 100, 16);
    }

    /** The learning rate of step {@code s} (0-based). */
    public float learningRate(int s) {
        if (s < warmup) {
            return peakLr * (s + 1) / warmup;
        }
        double progress = steps == warmup ? 1.0 : (double) (s - warmup) / (steps - warmup);
        return (float) (minLr + 0.5 * (peakLr - minLr) * (1 + StrictMath.cos(Math.PI * progress)));
    }
}
