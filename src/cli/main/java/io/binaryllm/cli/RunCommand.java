package io.binaryllm.cli;

import io.binaryllm.runner.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Evaluate float against binary embeddings as a config says (YAML or JSON; see configs/).",
                "Without an argument: configs/default.yaml on built-in data. Each run writes a new directory",
                "runs/<time>-<name>/ with the resolved config, metrics.json, events.jsonl and report.md with charts."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "The run config (default: configs/default.yaml).")
    Path config;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = {"Measure the variants on Spark (local[4], local-cluster[2,1,1024], spark://..., yarn) through the",
                    "installation's spark-submit (a local master runs without one); the dataset's files must be readable by",
                    "the executors. The same run directory, metrics.json byte for byte."})
    String spark;

    @Override
    public Integer call() {
        String home = System.getProperty("binaryllm.home", ".");
        Path file = config != null ? config : Path.of(home).resolve("configs").resolve("default.yaml");
        if (spark != null) {
            // The driver resolves the default output directory (runs/ of the home) as this JVM would.
            SparkHandOver.requireMaster(spark);
            return SparkHandOver.run(new SparkHandOver.Job(spark, SparkHandOver.RUN_APP, List.of(file.toAbsolutePath().toString()),
                    Map.of("binaryllm.home", Path.of(home).toAbsolutePath().toString()),
                    Main.debug(spec)));
        }
        Runner.run(file, spec.commandLine().getOut());
        return Main.OK;
    }
}
