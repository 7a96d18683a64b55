package io.binaryllm.cli;

import io.binaryllm.runner.DatasetCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "datasets", mixinStandardHelpOptions = true, description = "List the built-in datasets a config can name.")
final class DatasetsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.printf("%-26s %10s %8s %6s  %s%n", "name", "documents", "queries", "dims", "what");
        for (DatasetCatalog.Entry e : DatasetCatalog.entries()) {
            out.printf("%-26s %10d %8d %6d  %s%n", e.name(), e.corpusRows(), e.queryRows(), e.dims(), e.description());
        }
        out.println("files: name corpus and queries (.npy/.fvecs/.bvecs), optionally qrels, labels, corpus_ids, query_ids, in the config");
        return Main.OK;
    }
}
