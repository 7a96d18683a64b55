package io.binaryllm.testing;

import io.binaryllm.search.Availability;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchBackends;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The backends a test should cover, and what to do when one cannot run here: in CI ({@code CI=true}) a backend that
 * must be available and is not fails the test; elsewhere the test is aborted as a JUnit assumption, so it is reported
 * as skipped with the reason, never silently passed. Only {@code cuda} may be missing in CI: CI machines have no GPU.
 */
public final class Backends {
    /** Backends that may be missing in CI: only those that need hardware the CI machine lacks. */
    public static final List<String> HARDWARE_DEPENDENT = List.of("cuda");

    private Backends() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Backend {@code name}, open; fails when it is not registered, and skips or fails (see above) when unavailable. */
    public static SearchBackend open(String name) {
        SearchBackend found = null;
        for (SearchBackend b : SearchBackends.loadAll()) {
            if (b.name().equals(name) && found == null) {
                found = b;
            } else {
                b.close();
            }
        }
        assertThat(found).as("backend %s is registered (META-INF/services)", name).isNotNull();
        Availability a = found.availability();
        if (!a.available()) {
            found.close();
            requireAllowedToBeMissing(name, a.detail());
            abort(name + " is unavailable here: " + a.detail());
        }
        return found;
    }

    /** Whether backend {@code name} is registered and can run here. */
    public static boolean isAvailable(String name) {
        boolean available = false;
        for (SearchBackend b : SearchBackends.loadAll()) {
            available |= b.name().equals(name) && b.availability().available();
            b.close();
        }
        return available;
    }

    private static void requireAllowedToBeMissing(String name, String detail) {
        if (inCi() && !HARDWARE_DEPENDENT.contains(name)) {
            fail("CI=true: backend " + name + " should be available here but is not: " + detail);
        }
    }
}
