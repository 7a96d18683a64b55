package io.binaryllm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code train-llama}, as the main help lists it: its arguments, {@code --help} included, go to the trainer
 * unparsed ({@link TrainHandOver}), which has its own options and help.
 */
@Command(name = "train-llama", description = {"Train the project's small Llama on plain text (in a JVM of its own).",
        "It writes llama2.c's format; its options: binaryllm train-llama --help."})
final class TrainLlamaCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return TrainHandOver.run(args);
    }
}
