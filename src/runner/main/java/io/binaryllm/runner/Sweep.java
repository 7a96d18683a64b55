package io.binaryllm.runner;

import io.binaryllm.runner.internal.RunPipeline;

import java.io.Serializable;
import java.util.List;

/**
 * A run's variants measured somewhere else than in turn on this machine: on a cluster's executors, say. The run
 * ({@link Runner#run(java.nio.file.Path, java.io.PrintWriter, Executor)}) computes the float baseline once and hands
 * an {@link Executor} a {@link Plan}; the executor has {@link #measure} called for every variant (anywhere the
 * config's dataset can be read) and returns the results in config order. Each is the entry one machine writes, so
 * {@code metrics.json} has the same bytes wherever the variants were measured.
 */
public final class Sweep {
    private Sweep() {
    }

    /**
     * What measuring a variant needs, as it travels to other JVMs.
     *
     * @param configYaml the resolved config ({@link ConfigLoader#toYaml})
     * @param configFile the config file's absolute path: its dataset paths are relative to its directory
     * @param floatTop   the float baseline's top-k of every query (queries x max k)
     * @param split      the classification split (train rows, test rows), or null without classification
     */
    public record Plan(String configYaml, String configFile, long[][] floatTop, int[][] split) implements Serializable {
    }

    /**
     * A variant's entry of {@code metrics.json} and the Hamming distances of its neighbours as fractions of its bits
     * (for the report's histogram; null for osq).
     */
    public record Measured(RunMetrics.VariantMetrics metrics, double[] distanceFractions) implements Serializable {
    }

    /** Measures every variant of a plan, by calling {@link #measure} wherever it likes. */
    public interface Executor {
        /** The {@code variants} variants' measurements, in config order. */
        List<Measured> measureAll(Plan plan, int variants);
    }

    /** Variant {@code index} of {@code plan}, measured in this JVM. */
    public static Measured measure(Plan plan, int index) {
        return RunPipeline.measure(plan, index);
    }
}
