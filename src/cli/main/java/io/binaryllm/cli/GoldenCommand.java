package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.runner.GoldenSet;
import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "golden", mixinStandardHelpOptions = true,
        // picocli would break [--backend=NAME[,NAME...]]... at its comma
        customSynopsis = {"binaryllm golden ACTION [--dir=DIR] [--backend=NAME[,NAME...]]...",
                "        [--force] [--debug] [-hV]"},
        description = {"check: verify the golden set's manifest, then recompute every code, scale, metric and",
                "       top-k list with every available backend (exit 1 on any difference: a bug).",
                "regenerate --force: rewrite the golden set from the current code (the only way to change it)."})
final class GoldenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION", description = "check or regenerate.")
    String action;

    @Option(names = "--dir", paramLabel = "DIR", description = "The golden folder (default: golden/ of the BinaryLLM home).")
    Path dir;

    @Option(names = "--backend", paramLabel = "NAME", split = ",",
            description = "Check only these backends (default: every available one).")
    List<String> only;

    @Option(names = "--force", description = "Required by regenerate: it replaces the frozen files.")
    boolean force;

    @Override
    public Integer call() {
        Path golden = dir != null ? dir : Path.of(System.getProperty("binaryllm.home", ".")).resolve("golden");
        PrintWriter out = spec.commandLine().getOut();
        return switch (action) {
            case "check" -> check(golden, out);
            case "regenerate" -> {
                if (!force) {
                    throw new BadInputException("golden regenerate: pass --force to replace the frozen golden set in " + golden);
                }
                GoldenSet.regenerate(golden);
                out.println("golden set regenerated in " + golden + "; review `git diff --stat golden/` before committing");
                yield Main.OK;
            }
            default -> throw new BadInputException("golden: unknown action '" + action + "' (check or regenerate)");
        };
    }

    private int check(Path golden, PrintWriter out) {
        if (only != null) {
            List<String> known = SearchBackends.names();
            for (String name : only) {
                if (!known.contains(name)) {
                    throw new BadArgumentException("backend", "unknown backend '" + name + "'; known: " + String.join(", ", known));
                }
            }
        }
        List<SearchBackend> backends = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            Availability a = b.availability();
            boolean wanted = only == null || only.contains(b.name());
            if (wanted && a.available()) {
                backends.add(b);
                continue;
            }
            b.close();
            if (wanted) {
                if (only != null) {
                    backends.forEach(SearchBackend::close);
                    throw new BadArgumentException("backend", b.name() + " is unavailable here: " + a.detail());
                }
                out.printf("%-10s not checked: unavailable (%s)%n", b.name(), a.detail());
            }
        }
        try {
            List<GoldenSet.Finding> findings = GoldenSet.check(golden, backends);
            long failed = findings.stream().filter(f -> !f.ok()).count();
            findings.stream().filter(f -> !f.ok()).forEach(f -> out.println("MISMATCH " + f.what() + ": " + f.detail()));
            out.printf("golden check: %d comparisons, %d mismatches, backends %s, in %s%n", findings.size(), failed,
                    backends.stream().map(SearchBackend::name).toList(), golden);
            return failed == 0 ? Main.OK : Main.BUG;
        } finally {
            backends.forEach(SearchBackend::close);
        }
    }
}
