package io.binaryllm.cli;

import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List every search backend: the device it uses, or why it cannot run here.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        String auto = null;
        int best = Integer.MIN_VALUE;
        for (SearchBackend b : SearchBackends.loadAll()) {
            try (b) {
                Availability a = b.availability();
                out.printf("%-10s %-12s %s%n", b.name(), a.available() ? "available" : "unavailable", a.detail());
                if (a.available() && b.autoPreference() >= best) {
                    best = b.autoPreference();
                    auto = b.name();
                }
            }
        }
        out.printf("auto -> %s%n", auto);
        return Main.OK;
    }
}
