package io.binaryllm.runner;

import io.binaryllm.runner.internal.RunPipeline;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Evaluation runs, {@code binaryllm run}'s library form: a config (YAML or JSON, {@link RunConfig}) through dataset,
 * binarization, search and evaluation into a new run directory {@code <output.dir>/<yyyyMMdd-HHmmss>-<name>/} with
 * {@code config.resolved.yaml}, {@code metrics.json} (a pure function of config and data: a rerun writes the same
 * bytes), {@code events.jsonl} (with timings) and {@code report.md} with its charts. A bad config or dataset is a
 * {@link io.binaryllm.BadInputException} naming the file and key, thrown before the directory exists.
 */
public final class Runner {
    private Runner() {
    }

    /**
     * @param dir     the run directory
     * @param metrics what {@code metrics.json} holds
     */
    public record Outcome(Path dir, RunMetrics metrics) {
    }

    /** Runs {@code configFile}, printing progress lines to {@code out}. */
    public static Outcome run(Path configFile, PrintWriter out) {
        return RunPipeline.run(configFile, out);
    }

    /** Runs {@code configFile} with its variants measured by {@code sweep} (see {@link Sweep}): the same run directory. */
    public static Outcome run(Path configFile, PrintWriter out, Sweep.Executor sweep) {
        return RunPipeline.run(configFile, out, sweep);
    }
}
