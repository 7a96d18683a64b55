package io.binaryllm.cli;

import io.binaryllm.runner.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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

    @Override
    public Integer call() {
        Path file = config != null ? config
                : Path.of(System.getProperty("binaryllm.home", ".")).resolve("configs").resolve("default.yaml");
        Runner.run(file, spec.commandLine().getOut());
        return Main.OK;
    }
}
