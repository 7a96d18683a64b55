package io.binaryllm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documentation examples held to the code that runs them: a test copies an example between two marker comments, and
 * {@link #assertShown} checks that the documentation shows those lines (indentation aside), so the two cannot drift.
 */
public final class Snippets {
    private static final Path HOME = Path.of(System.getProperty("binaryllm.home", "."));

    private Snippets() {
    }

    /** A file of the repository, by its path from the root. */
    public static List<String> lines(String path) {
        try {
            return Files.readAllLines(HOME.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stripped lines strictly between the lines {@code from} and {@code to} (stripped too). */
    public static List<String> between(List<String> lines, String from, String to) {
        List<String> stripped = lines.stream().map(String::strip).toList();
        int start = stripped.indexOf(from);
        assertThat(start).as("marker %s", from).isNotNegative();
        int end = stripped.subList(start + 1, stripped.size()).indexOf(to) + start + 1;
        assertThat(end).as("marker %s after %s", to, from).isGreaterThan(start);
        return stripped.subList(start + 1, end);
    }

    /** The Javadoc {@code <pre>{@code ...}</pre>} examples of a source file, each as stripped lines without the " * ". */
    public static List<List<String>> javadocExamples(List<String> source) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = null;
        for (String line : source) {
            String l = line.strip();
            l = l.startsWith("*") ? l.substring(1).strip() : l;
            if (l.startsWith("<pre>{@code")) {
                current = new ArrayList<>();
            } else if (current != null && l.startsWith("}</pre>")) {
                out.add(current);
                current = null;
            } else if (current != null) {
                current.add(l);
            }
        }
        return out;
    }

    /**
     * {@code shown} (the documentation's example) begins with {@code run} (the test's copy) and goes on only with
     * closing braces: the test keeps its blocks open for its own checks.
     */
    public static void assertShown(List<String> shown, List<String> run) {
        assertThat(run).as("the test's copy of the example").isNotEmpty();
        assertThat(shown.size()).as("the documentation's example is at least as long as the test's copy").isGreaterThanOrEqualTo(run.size());
        assertThat(shown.subList(0, run.size())).as("the documentation shows what the test runs").isEqualTo(run);
        assertThat(shown.subList(run.size(), shown.size())).as("after the copied lines, only closing braces").allMatch(l -> l.equals("}"));
    }
}
