package io.binaryllm.cli;

import io.binaryllm.BadArgumentException;
import io.binaryllm.gpu.GpuBackend;
import io.binaryllm.gpu.PackingEquivalence;
import io.binaryllm.search.EquivalenceSuite;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "equivalence", mixinStandardHelpOptions = true,
        description = {"Check every available backend (or the ones named) against reference.",
                "The suite: word-boundary sizes, odd and prime bit counts, tie-heavy codes, k = 1..n.",
                "Exit 1 on any difference; a named backend that is unavailable exits 2 with the reason."})
final class EquivalenceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", split = ",", paramLabel = "NAME", description = "Backends to check (default: every available one).")
    List<String> only;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        int failed = 0;
        int checked = 0;
        for (SearchBackend b : SearchBackends.loadAll()) {
            try (b) {
                boolean named = only != null && only.contains(b.name());
                if (only != null && !named || b.name().equals("reference")) {
                    continue;
                }
                if (!b.availability().available()) {
                    if (named) {
                        throw new BadArgumentException("backend", b.name() + " is unavailable here: " + b.availability().detail());
                    }
                    out.printf("%-10s NOT RUN: %s%n", b.name(), b.availability().detail());
                    continue;
                }
                List<EquivalenceSuite.Check> checks = EquivalenceSuite.run(b, c -> {
                    if (!c.ok()) {
                        out.printf("MISMATCH %s %s: %s%n", c.backend(), c.what(), c.difference());
                    }
                });
                if (b instanceof GpuBackend gpu) { // GPU packing against the CPU binarizers
                    checks = new ArrayList<>(checks);
                    checks.addAll(PackingEquivalence.run(gpu, c -> {
                        if (!c.ok()) {
                            out.printf("MISMATCH %s %s: %s%n", c.backend(), c.what(), c.difference());
                        }
                    }));
                }
                long bad = checks.stream().filter(c -> !c.ok()).count();
                failed += (int) bad;
                checked += checks.size();
                out.printf("%-10s %d cases, %d differ from reference (%s)%n", b.name(), checks.size(), bad, b.availability().detail());
            }
        }
        if (only != null) {
            for (String name : only) {
                if (!SearchBackends.names().contains(name)) {
                    throw new BadArgumentException("backend", "unknown backend '" + name + "'; known: " + String.join(", ", SearchBackends.names()));
                }
            }
        }
        out.printf("equivalence: %d passed, %d failed%n", checked - failed, failed);
        return failed == 0 ? Main.OK : Main.BUG;
    }
}
