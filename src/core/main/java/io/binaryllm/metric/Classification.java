package io.binaryllm.metric;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/** k-nearest-neighbour classification from ranked neighbour lists, and its scores. */
public final class Classification {
    private Classification() {
    }

    /**
     * The majority label among {@code neighbours} (best first). Ties go to the tied label that appears first in
     * the list, i.e. holds the nearest neighbour: a deterministic rule that needs no randomness.
     */
    public static int vote(long[] neighbours, int[] trainLabels) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (long n : neighbours) {
            counts.merge(trainLabels[(int) n], 1, Integer::sum);
        }
        int best = trainLabels[(int) neighbours[0]];
        for (long n : neighbours) {
            int label = trainLabels[(int) n];
            if (counts.get(label) > counts.get(best)) {
                best = label;
            }
        }
        return best;
    }

    /** Accuracy and macro-F1 (mean F1 over every class that occurs in truth or prediction; F1 = 0 when undefined). */
    public record Scores(double accuracy, double macroF1, int tested) {
    }

    public static Scores score(int[] truth, int[] predicted) {
        if (truth.length != predicted.length || truth.length == 0) {
            throw new IllegalArgumentException("need the same, nonzero number of labels");
        }
        TreeSet<Integer> classes = new TreeSet<>();
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            classes.add(truth[i]);
            classes.add(predicted[i]);
            correct += truth[i] == predicted[i] ? 1 : 0;
        }
        double f1Sum = 0;
        for (int c : classes) {
            int tp = 0, fp = 0, fn = 0;
            for (int i = 0; i < truth.length; i++) {
                boolean t = truth[i] == c;
                boolean p = predicted[i] == c;
                tp += t && p ? 1 : 0;
                fp += !t && p ? 1 : 0;
                fn += t && !p ? 1 : 0;
            }
            f1Sum += tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        return new Scores((double) correct / truth.length, f1Sum / classes.size(), truth.length);
    }

}
