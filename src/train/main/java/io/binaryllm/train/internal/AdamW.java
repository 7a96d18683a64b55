package io.binaryllm.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), after clipping the gradients' global L2 norm, as
 * llama2.c's train.py uses it (betas 0.9 and 0.95, epsilon 1e-8, decay on matrices only). Its moments live with the
 * parameters; gradients are zeroed after each step because PyTorch accumulates them.
 */
public final class AdamW {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.95f;
    private static final float EPS = 1e-8f;

    private final List<TorchLlama.Named> parameters;
    private final NDArray[] first;
    private final NDArray[] second;
    private final float weightDecay;
    private final float clip;
    private int steps;

    public AdamW(NDManager manager, List<TorchLlama.Named> parameters, float weightDecay, float clip) {
        this.parameters = parameters;
        this.first = new NDArray[parameters.size()];
        this.second = new NDArray[parameters.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = manager.zeros(parameters.get(i).array().getShape());
            second[i] = manager.zeros(parameters.get(i).array().getShape());
        }
        this.weightDecay = weightDecay;
        this.clip = clip;
    }

    /** Attaches the moments to {@code step} until it closes (so that their intermediates are freed with it). */
    public void attachTo(NDManager step) {
        for (int i = 0; i < first.length; i++) {
            first[i].tempAttach(step);
            second[i].tempAttach(step);
        }
    }

    /** One update at learning rate {@code lr}; returns the gradients' global norm before clipping. */
    public double step(float lr) {
        steps++;
        double squares = 0;
        NDArray[] grads = new NDArray[parameters.size()];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = parameters.get(i).array().getGradient();
            squares += grads[i].square().sum().getFloat();
        }
        double norm = Math.sqrt(squares);
        float scale = (float) (norm > clip ? clip / norm : 1.0);
        float correction1 = (float) (1 - Math.pow(BETA1, steps));
        float correction2 = (float) (1 - Math.pow(BETA2, steps));
        for (int i = 0; i < grads.length; i++) {
            NDArray g = grads[i].mul(scale);
            first[i].muli(BETA1).addi(g.mul(1 - BETA1));
            second[i].muli(BETA2).addi(g.square().mul(1 - BETA2));
            NDArray p = parameters.get(i).array();
            if (parameters.get(i).decays()) {
                p.muli(1 - lr * weightDecay);
            }
            NDArray update = first[i].div(correction1).div(second[i].div(correction2).sqrt().add(EPS)).mul(lr);
            p.subi(update);
            grads[i].muli(0);
        }
        return norm;
    }
}
