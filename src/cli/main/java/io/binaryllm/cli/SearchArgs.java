package io.binaryllm.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A direct parse of the common {@code search} command line, without picocli. Picocli builds its command model by
 * reflection and loads ~700 classes: ~240 ms on the main thread of a 2-core machine whose other core is compiling
 * the search kernel, all of it on a short CLI run's critical path. This parser accepts only the plain shape (each
 * known option once, as {@code --name value} or {@code --name=value}, the flags {@code --force} and
 * {@code --debug}, every required option present, integers in decimal) and declines everything else, so usage
 * errors, help and every unusual spelling still go through picocli and read exactly as before. A test checks that
 * for every accepted line both parsers set the same fields.
 */
final class SearchArgs {
    private static final Set<String> VALUED = Set.of("--database", "--queries", "--k", "--backend", "--bits", "--indices", "--distances");
    private static final Set<String> REQUIRED = Set.of("--database", "--queries", "--k", "--indices", "--distances");

    /** The parsed command and whether {@code --debug} was given. */
    record Parsed(SearchCommand command, boolean debug) {
    }

    private SearchArgs() {
    }

    static Optional<Parsed> parse(String[] args, PrintWriter err) {
        if (args.length == 0 || !args[0].equals("search")) {
            return Optional.empty();
        }
        SearchCommand c = new SearchCommand();
        c.backend = "auto";
        c.err = err;
        boolean debug = false;
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (!seen.add(name)) {
                return Optional.empty();
            }
            if (name.equals("--force") || name.equals("--debug")) {
                if (value != null) {
                    return Optional.empty();
                }
                c.force |= name.equals("--force");
                debug |= name.equals("--debug");
                continue;
            }
            if (!VALUED.contains(name)) {
                return Optional.empty();
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                    return Optional.empty();
                }
                value = args[++i];
            }
            if (value.isEmpty() || !assign(c, name, value)) {
                return Optional.empty();
            }
        }
        return seen.containsAll(REQUIRED) ? Optional.of(new Parsed(c, debug)) : Optional.empty();
    }

    private static boolean assign(SearchCommand c, String name, String value) {
        try {
            return assignValid(c, name, value);
        } catch (InvalidPathException e) {
            return false; // picocli's conversion and its message
        }
    }

    private static boolean assignValid(SearchCommand c, String name, String value) {
        switch (name) {
            case "--database" -> {
                Path.of(value); // a path no file system can hold goes to picocli and its message
                c.databases = List.of(value);
            }
            case "--queries" -> c.queries = Path.of(value);
            case "--indices" -> c.indices = Path.of(value);
            case "--distances" -> c.distances = Path.of(value);
            case "--backend" -> c.backend = value;
            case "--k", "--bits" -> {
                if (!value.matches("[0-9]{1,9}")) {
                    return false; // signs, hex, overflow: picocli's conversion and its message
                }
                int v = Integer.parseInt(value);
                if (name.equals("--k")) {
                    c.k = v;
                } else {
                    c.bits = v;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
