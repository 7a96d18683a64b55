package io.binaryllm.runner.internal.datasets;

import io.binaryllm.testing.Backends;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;

/**
 * Real data the tests read from Debian packages. CI installs them ({@code .ci/run}), so there a missing package
 * fails the run; elsewhere the test is skipped with a line on stderr, never silently.
 */
public final class RealData {
    private RealData() {
    }

    public static void requireWordNet() {
        if (Files.isRegularFile(WordNet.dir().resolve("data.noun"))) {
            return;
        }
        String why = "WordNet 3.0 not found in " + WordNet.dir() + " (apt-get install wordnet-base)";
        if (Backends.inCi()) {
            throw new AssertionError("CI=true and " + why);
        }
        System.err.println("REAL-DATA TEST NOT RUN: " + why);
        Assumptions.abort(why);
    }
}
