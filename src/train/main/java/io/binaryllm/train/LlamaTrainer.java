package io.binaryllm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.binaryllm.BadArgumentException;
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

    /** One step's record; {@code heldOutLoss} is NaN on steps without an evaluation. */
    public record Step(int step, float learningRate, double loss, double gradientNorm, double heldOutLoss) {
    }

    /** The model, every step's record, and the mean held-out loss (nats a token) over all of the held-out windows. */
    public record Trained(LlamaModel model, List<Step> log, double heldOutLoss, int heldOutWindows) {
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
        int window = plan.model().seqLen() + 1;
        requireTokens("train", train, window, plan.model().vocab());
        requireTokens("heldOut", heldOut, window, plan.model().vocab());
        int[][] evalWindows = windows(heldOut, window, Integer.MAX_VALUE);
        int[][] periodic = Arrays.copyOf(evalWindows, Math.min(plan.evalWindows(), evalWindows.length));
        SplitMix64 draws = new Seeds(plan.seed()).stream("train/windows");
        List<Step> log = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager()) {
            TorchLlama model = new TorchLlama(root, plan.model(), plan.seed());
            AdamW optimizer = new AdamW(root, model.parameters(), plan.weightDecay(), plan.clip());
            for (int s = 0; s < plan.steps(); s++) {
                int[][] batch = new int[plan.batch()][];
                for (int b = 0; b < batch.length; b++) {
                    int start = (int) draws.nextLong(train.length - window + 1);
                    batch[b] = Arrays.copyOfRange(train, start, start + window);
                }
                float lr = plan.learningRate(s);
                double loss;
                double norm;
                try (NDManager step = root.newSubManager()) {
                    model.attachTo(step);
                    optimizer.attachTo(step);
                    NDArray l;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        l = model.loss(step, batch);
                        collector.backward(l);
                    }
                    loss = l.getFloat();
                    norm = optimizer.step(lr);
                }
                boolean evaluate = (s + 1) % plan.evalEvery() == 0 || s + 1 == plan.steps();
                Step record = new Step(s + 1, lr, loss, norm, evaluate ? meanLoss(root, model, periodic, plan.batch()) : Double.NaN);
                log.add(record);
                progress.accept(record);
            }
            double heldOutLoss = meanLoss(root, model, evalWindows, plan.batch());
            return new Trained(model.export(), List.copyOf(log), heldOutLoss, evalWindows.length);
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

    /** Mean next-token loss over {@code windows}, in chunks of {@code chunk} windows, without gradients. */
    private static double meanLoss(NDManager root, TorchLlama model, int[][] windows, int chunk) {
        double sum = 0;
        for (int i = 0; i < windows.length; i += chunk) {
            int[][] part = Arrays.copyOfRange(windows, i, Math.min(windows.length, i + chunk));
            try (NDManager step = root.newSubManager()) {
                model.attachTo(step);
                sum += (double) model.loss(step, part).getFloat() * part.length;
            }
        }
        return sum / windows.length;
    }
}
