package io.binaryllm.search;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The choice behind a backend's name: {@code auto}, a named backend, and whether the Java kernel will run. */
class SearchBackendsTest {
    /** A backend that only says who it is; records whether it was closed. */
    private static final class Fake implements SearchBackend {
        private final String name;
        private final boolean available;
        private final int preference;
        boolean closed;

        Fake(String name, boolean available, int preference) {
            this.name = name;
            this.available = available;
            this.preference = preference;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Availability availability() {
            return available ? Availability.of("fake device") : Availability.unavailable("no fake device here");
        }

        @Override
        public int autoPreference() {
            return preference;
        }

        @Override
        public SearchResult search(BinaryCodeBatch database, BinaryCodeBatch queries, int k) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** reference, cpu, native (unavailable here), and a GPU that is available or not. */
    private static List<Fake> machine(boolean gpu) {
        return new ArrayList<>(List.of(new Fake("reference", true, 0), new Fake("cpu", true, 20), new Fake("native", false, 30),
                new Fake("gpu", gpu, 40)));
    }

    @Test
    void autoChoosesTheAvailableBackendWithTheHighestPreferenceAndClosesTheRest() {
        List<Fake> all = machine(true);
        SearchBackend chosen = SearchBackends.choose("auto", new ArrayList<>(all));
        assertThat(chosen.name()).isEqualTo("gpu");
        assertThat(all).filteredOn(f -> f != chosen).allMatch(f -> f.closed);
        assertThat(SearchBackends.choose("auto", new ArrayList<>(machine(false))).name()).isEqualTo("cpu");
    }

    @Test
    void aNamedBackendMustBeKnownAndAvailable() {
        assertThatThrownBy(() -> SearchBackends.choose("tpu", new ArrayList<>(machine(true))))
                .isInstanceOf(BadArgumentException.class)
                .hasMessage("unknown backend 'tpu'; known: auto, reference, cpu, native, gpu")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("backend");
        List<Fake> all = machine(true);
        assertThatThrownBy(() -> SearchBackends.choose("native", new ArrayList<>(all)))
                .isInstanceOf(BadArgumentException.class).hasMessage("native is unavailable here: no fake device here");
        assertThat(all).allMatch(f -> f.closed);
    }

    /**
     * The early warm-up compiles the Java kernel only when the search will run it: with native missing, {@code auto}
     * may still choose a GPU (it once assumed cpu there).
     */
    @Test
    void theJavaKernelRunsOnlyWhenTheChoiceIsCpu() {
        assertThat(SearchBackends.runsJavaKernel("auto", new ArrayList<>(machine(true)))).isFalse();
        assertThat(SearchBackends.runsJavaKernel("auto", new ArrayList<>(machine(false)))).isTrue();
        assertThat(SearchBackends.runsJavaKernel("gpu", new ArrayList<>(machine(false)))).isFalse();
        List<Fake> all = machine(true);
        assertThat(SearchBackends.runsJavaKernel("cpu", new ArrayList<>(all))).isTrue();
        assertThat(all).allMatch(f -> f.closed);
    }

    @Test
    void theRegisteredBackendsOfCoreAreThereAndAutoPicksTheBestAvailable() {
        assertThat(SearchBackends.names()).containsSubsequence("reference", "cpu", "native");
        int best = SearchBackends.loadAll().stream().filter(b -> b.availability().available())
                .mapToInt(SearchBackend::autoPreference).max().orElseThrow();
        try (SearchBackend auto = SearchBackends.open("auto")) {
            assertThat(auto.autoPreference()).isEqualTo(best);
            assertThat(auto.availability().available()).isTrue();
        }
        try (SearchBackend reference = SearchBackends.open("reference")) {
            assertThat(reference.availability().available()).isTrue();
        }
    }
}
