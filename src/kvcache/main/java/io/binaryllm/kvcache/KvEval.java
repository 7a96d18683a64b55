package io.binaryllm.kvcache;

import io.binaryllm.BadArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cache evaluation: every policy at every budget over the same sequences, teacher-forced: perplexity of each
 * sequence's tokens and, where the policy selected, attention mass, top-B recall and output error against exact
 * attention ({@link SelectionStats}), averaged over sequences in order. A pure function of model, sequences and
 * policies: the same numbers, bit for bit, on every run.
 */
public final class KvEval {
    private KvEval() {
    }

    /** A policy at a budget (its name and bits of selection state a position, per layer). */
    public interface PolicyAtBudget {
        KvPolicy at(KvBudget budget);
    }

    /**
     * One policy at one budget.
     *
     * @param perplexity  exp of the mean negative log-likelihood over all sequences' predictions
     * @param mass        mean attention mass on the selection (1 where nothing was left out)
     * @param recall      mean recall of the exact top-B keys
     * @param outputError mean relative error of attention outputs
     * @param selectionBits bits of selection state a cached position keeps, over all layers
     * @param massByHead  [layer][query head] mean attention mass on the selection (1 where nothing was left out):
     *                    where a policy fails
     */
    public record Row(String policy, KvBudget budget, double perplexity, double mass, double recall, double outputError,
                      long selectionBits, double[][] massByHead) {
        /** Layer l's mean over its heads of {@link #massByHead}. */
        public double layerMass(int l) {
            double sum = 0;
            for (double m : massByHead[l]) {
                sum += m;
            }
            return sum / massByHead[l].length;
        }
    }

    /** Runs every policy at every budget over {@code sequences}; {@code progress} hears each finished row. */
    public static List<Row> run(LlamaModel model, int[][] sequences, List<String> names, List<PolicyAtBudget> policies,
                                List<KvBudget> budgets, Consumer<Row> progress) {
        if (names.size() != policies.size() || policies.isEmpty()) {
            throw new BadArgumentException("policies", "one name a policy, at least one policy");
        }
        if (budgets.isEmpty()) {
            throw new BadArgumentException("budgets", "at least one budget");
        }
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < policies.size(); p++) {
            for (KvBudget budget : budgets) {
                KvPolicy policy = policies.get(p).at(budget);
                double nll = 0;
                long predictions = 0;
                double mass = 0;
                double recall = 0;
                double error = 0;
                long measured = 0;
                int layers = model.config().layers();
                int heads = model.config().heads();
                double[][] headMass = new double[layers][heads];
                long[][] headSteps = new long[layers][heads];
                for (int[] tokens : sequences) {
                    try (Decoder d = model.measuringDecoder(policy, tokens.length)) {
                        for (int i = 0; i + 1 < tokens.length; i++) {
                            nll += Perplexity.negativeLogLikelihood(d.next(tokens[i]), tokens[i + 1]);
                            predictions++;
                        }
                        SelectionStats s = d.stats();
                        for (int l = 0; l < model.config().layers(); l++) {
                            for (int h = 0; h < model.config().heads(); h++) {
                                long n = s.steps(l, h);
                                if (n > 0) {
                                    headMass[l][h] += s.mass(l, h) * n;
                                    headSteps[l][h] += n;
                                    mass += s.mass(l, h) * n;
                                    recall += s.recall(l, h) * n;
                                    error += s.outputError(l, h) * n;
                                    measured += n;
                                }
                            }
                        }
                    }
                }
                for (int l = 0; l < layers; l++) {
                    for (int h = 0; h < heads; h++) {
                        headMass[l][h] = headSteps[l][h] == 0 ? 1.0 : headMass[l][h] / headSteps[l][h];
                    }
                }
                Row row = new Row(names.get(p), budget, Math.exp(nll / predictions), measured == 0 ? 1.0 : mass / measured,
                        measured == 0 ? 1.0 : recall / measured, measured == 0 ? 0.0 : error / measured,
                        (long) policy.selectionBitsPerPosition(model.config()) * model.config().layers(), headMass);
                rows.add(row);
                progress.accept(row);
            }
        }
        return rows;
    }
}
