package io.binaryllm.testing;

import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;

import java.util.ArrayList;
import java.util.List;

/**
 * The backends a test should cover. Every registered backend that is available runs. An unavailable one is a
 * failure in CI ({@code CI=true}), except {@code cuda}, which needs hardware CI machines do not have; outside CI it is
 * reported on stderr, so a skipped backend is never silent.
 */
public final class Backends {
    /** Backends that may be missing in CI: only those that need hardware the CI machine lacks. */
    public static final List<String> HARDWARE_DEPENDENT = List.of("cuda");

    private Backends() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fresh instances of the backends to test; the caller closes them. */
    public static List<SearchBackend> available() {
        List<SearchBackend> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (SearchBackend b : SearchBackends.loadAll()) {
            if (b.availability().available()) {
                out.add(b);
            } else {
                String why = b.name() + ": " + b.availability().detail();
                if (inCi() && !HARDWARE_DEPENDENT.contains(b.name())) {
                    missing.add(why);
                } else {
                    System.err.println("BACKEND NOT TESTED: " + why);
                }
                b.close();
            }
        }
        if (!missing.isEmpty()) {
            out.forEach(SearchBackend::close);
            throw new AssertionError("CI=true and these backends should be available but are not: " + missing);
        }
        return out;
    }
}
