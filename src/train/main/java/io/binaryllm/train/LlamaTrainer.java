package io.binaryllm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.binaryllm.BadArgumentException;
import io.binaryllm.kvcache.BitLinearPlan;
import io.binaryllm.kvcache.LlamaModel;
import io.binaryllm.seed.Seeds;
import io.binaryllm.seed.SplitMix64;
import io.binaryllm.train.internal.AdamW;
import io.binaryllm.train.internal.TorchLlama;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains a Llama on a token stream with PyTorch's CPU library (through DJL) and hands back the Java decoder's model.
 * Nothing is drawn from PyTorch's generator (no dropout; the weights start from {@link TrainingPlan#seed}), so two
 * runs of a plan start alike and see the same windows; PyTorch's CPU kernels are not bit-for-bit reproducible run to
 * run at this model's sizes, though (two trainings of the Austen model agreed to 5 digits of the loss for 40 steps,
 * then drifted: 0.6% in held-out perplexity at the end), so the exported file, not the plan, is the reference.
 */
public final class LlamaTrainer {
    private LlamaTrainer() {
    }

    /**
     * One step's record; {@code heldOutLoss} is NaN on steps without an evaluation; {@code layers} the plan the step
     * trained under (all float in the float phase).
     */
    public record Step(int step, BitLinearPlan layers, float learningRate, double loss, double gradientNorm, double heldOutLoss) {
    }

    /**
     * The model (float weights: the latent ones of a low-bit training), the plan it was trained for ({@code layers}:
     * {@code model.lowBit(layers, kernels)} is the model trained), every step's record, and the mean held-out loss
     * (nats a token) over all of the held-out windows, under that plan.
     */
    public record Trained(LlamaModel model, BitLinearPlan layers, List<Step> log, double heldOutLoss, int heldOutWindows) {
        public double heldOutPerplexity() {
            return Math.exp(heldOutLoss);
        }
    }

    /**
     * Trains per {@code plan} on windows of {@code train}; evaluates on consecutive windows of {@code heldOut}.
     *
     * @param train    token ids, at least one context + 1 long
     * @param heldOut  token ids, at least one context + 1 long
     * @param progress told of every step as it ends
     */
    public static Trained train(TrainingPlan plan, int[] train, int[] heldOut, Consumer<Step> progress) {
        return train(plan, null, train, heldOut, progress);
    }

    /**
     * As {@link #train(TrainingPlan, int[], int[], Consumer)}, from {@code init}'s weights when it is not null (a float
     * model of the plan's shape) instead of the seeded initialization.
     */
    public static Trained train(TrainingPlan plan, LlamaModel init, int[] train, int[] heldOut, Consumer<Step> progress) {
        if (plan.totalSteps() == 0) {
            throw new BadArgumentException("steps", "a plan of no steps trains nothing: give float steps, a low-bit phase, or both");
        }
        if (init != null && !init.config().equals(plan.model())) {
            throw new BadArgumentException("init", "the model to continue is " + init.config() + ", the plan's shape " + plan.model());
        }
        int window = plan.model().seqLen() + 1;
        requireTokens("train", train, window, plan.model().vocab());
        requireTokens("heldOut", heldOut, window, plan.model().vocab());
        int[][] evalWindows = windows(heldOut, window, Integer.MAX_VALUE);
        int[][] periodic = Arrays.copyOf(evalWindows, Math.min(plan.evalWindows(), evalWindows.length));
        SplitMix64 draws = new Seeds(plan.seed()).stream("train/windows");
        List<Step> log = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager()) {
            TorchLlama model = init == null ? new TorchLlama(root, plan.model(), plan.seed()) : new TorchLlama(root, init);
            AdamW optimizer = new AdamW(root, model.parameters(), plan.weightDecay(), plan.clip());
            for (int s = 0; s < plan.totalSteps(); s++) {
                boolean lowBit = s >= plan.steps();
                if (lowBit && s == plan.steps()) { // the phase switch: the latent weights stay, the optimizer starts afresh
                    model.quantize(plan.lowBit().layers());
                    optimizer = new AdamW(root, model.parameters(), plan.lowBit().weightDecay(), plan.clip());
                }
                int[][] batch = new int[plan.batch()][];
                for (int b = 0; b < batch.length; b++) {
                    int start = (int) draws.nextLong(train.length - window + 1);
                    batch[b] = Arrays.copyOfRange(train, start, start + window);
                }
                float lr = lowBit ? plan.lowBit().learningRate(s - plan.steps()) : plan.learningRate(s);
                double loss;
                double norm;
                try (NDManager step = root.newSubManager()) {
                    model.attachTo(step);
                    optimizer.attachTo(step);
                    NDArray l;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        l = model.loss(step, batch, false);
                        collector.backward(l);
                    }
                    loss = l.getFloat();
                    norm = optimizer.step(lr);
                }
                boolean evaluate = (s + 1) % plan.evalEvery() == 0 || s + 1 == plan.steps() || s + 1 == plan.totalSteps();
                Step record = new Step(s + 1, model.layers(), lr, loss, norm,
                        evaluate ? meanLoss(root, model, periodic, plan.batch()) : Double.NaN);
                log.add(record);
                progress.accept(record);
            }
            double heldOutLoss = meanLoss(root, model, evalWindows, plan.batch());
            return new Trained(model.export(), model.layers(), List.copyOf(log), heldOutLoss, evalWindows.length);
        }
    }

    /** Refuses (naming {@code name}) tokens fewer than a window or outside the vocabulary. */
    static void requireTokens(String name, int[] tokens, int window, int vocab) {
        if (tokens == null || tokens.length < window) {
            throw new BadArgumentException(name, "the text must hold at least a context + 1 = " + window + " tokens, holds "
                    + (tokens == null ? 0 : tokens.length));
        }
        for (int t : tokens) {
            if (t < 0 || t >= vocab) {
                throw new BadArgumentException(name, name + " holds token " + t + ", outside the vocabulary of " + vocab);
            }
        }
    }

    /** Consecutive non-overlapping windows of {@code window} tokens from the start, at most {@code limit}. */
    static int[][] windows(int[] tokens, int window, int limit) {
        int n = Math.min(limit, tokens.length / window);
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(tokens, i * window, (i + 1) * window);
        }
        return out;
    }

    /**
     * Mean next-token loss over {@code windows}, in chunks of {@code chunk} windows, without gradients; low-bit
     * products in the decoder's integer order.
     */
    private static double meanLoss(NDManager root, TorchLlama model, int[][] windows, int chunk) {
        double sum = 0;
        for (int i = 0; i < windows.length; i += chunk) {
            int[][] part = Arrays.copyOfRange(windows, i, Math.min(windows.length, i + chunk));
            try (NDManager step = root.newSubManager()) {
                model.attachTo(step);
                sum += (double) model.loss(step, part, true).getFloat() * part.length;
            }
        }
        return sum / windows.length;
    }
}
