package io.binaryllm.search;

import io.binaryllm.BadArgumentException;
import io.binaryllm.lowbit.LowBitKernels;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.FakeBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The choice behind a backend's name: {@code auto}, a named backend, and whether the Java kernel will run. */
class SearchBackendsTest {
    /** reference, cpu, native (unavailable here), and a GPU that is available or not. */
    private static List<FakeBackend> machine(boolean gpu) {
        return new ArrayList<>(List.of(new FakeBackend("reference", true, 0), new FakeBackend("cpu", true, 20),
                new FakeBackend("native", false, 30), new FakeBackend("gpu", gpu, 40)));
    }

    @Test
    void autoChoosesTheAvailableBackendWithTheHighestPreferenceAndClosesTheRest() {
        List<FakeBackend> all = machine(true);
        SearchBackend chosen = SearchBackends.choose("auto", new ArrayList<>(all));
        assertThat(chosen.name()).isEqualTo("gpu");
        assertThat(all).filteredOn(f -> f != chosen).allMatch(FakeBackend::closed);
        assertThat(SearchBackends.choose("auto", new ArrayList<>(machine(false))).name()).isEqualTo("cpu");
    }

    /** auto passing over an unavailable native kernel says why (it was silent); an unavailable GPU is not news. */
    @Test
    void autoSaysWhyItPassesOverTheNativeKernel() {
        List<SearchBackend> cpuOnly = new ArrayList<>(machine(false));
        SearchBackend cpu = cpuOnly.get(1);
        assertThat(SearchBackends.passedOver(cpuOnly, cpu)).isEqualTo("backend auto: native is unavailable (no native here); using cpu");
        List<SearchBackend> withGpu = new ArrayList<>(machine(true));
        assertThat(SearchBackends.passedOver(withGpu, withGpu.get(3))).isNull();
        List<SearchBackend> nativeHere = new ArrayList<>(List.of(new FakeBackend("cpu", true, 20), new FakeBackend("native", true, 30),
                new FakeBackend("gpu", false, 40)));
        assertThat(SearchBackends.passedOver(nativeHere, nativeHere.get(1))).isNull();
    }

    @Test
    void aNamedBackendMustBeKnownAndAvailable() {
        assertThatThrownBy(() -> SearchBackends.choose("tpu", new ArrayList<>(machine(true))))
                .isInstanceOf(BadArgumentException.class)
                .hasMessage("unknown backend 'tpu'; known: auto, reference, cpu, native, gpu")
                .extracting(e -> ((BadArgumentException) e).argument()).isEqualTo("backend");
        List<FakeBackend> all = machine(true);
        assertThatThrownBy(() -> SearchBackends.choose("native", new ArrayList<>(all)))
                .isInstanceOf(BadArgumentException.class).hasMessage("native is unavailable here: no native here");
        assertThat(all).allMatch(FakeBackend::closed);
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
        List<FakeBackend> all = machine(true);
        assertThat(SearchBackends.runsJavaKernel("cpu", new ArrayList<>(all))).isTrue();
        assertThat(all).allMatch(FakeBackend::closed);
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

    /** Low-bit kernels by backend name: auto takes native's where its library loads, else cpu's; unknown names refused. */
    @Test
    void lowBitKernelsByName() {
        assertThat(SearchBackends.lowBitKernels("reference").describe()).isEqualTo("scalar Java");
        assertThat(SearchBackends.lowBitKernels("cpu").describe()).isEqualTo(LowBitKernels.java().describe());
        String auto = SearchBackends.lowBitKernels("auto").describe();
        assertThat(auto).isEqualTo(LowBitKernels.nativeC().map(LowBitKernels::describe).orElse(LowBitKernels.java().describe()));
        if (Backends.inCi()) {
            assertThat(auto).as("CI builds the native library").contains(" C ");
        }
        assertThatThrownBy(() -> SearchBackends.lowBitKernels("tpu")).isInstanceOf(BadArgumentException.class)
                .hasMessageContaining("unknown backend 'tpu'");
    }

    /** With core alone (its tests' class path), a GPU backend's name says which artifact brings it. */
    @Test
    void aGpuBackendWithoutTheGpuArtifactSaysWhereItComesFrom() {
        for (String gpu : new String[]{"cuda", "opencl"}) {
            assertThatThrownBy(() -> SearchBackends.open(gpu)).isInstanceOf(BadArgumentException.class)
                    .hasMessageContaining("unknown backend '" + gpu + "'").hasMessageContaining("come with binaryllm-gpu");
        }
        assertThatThrownBy(() -> SearchBackends.open("tpu")).hasMessageNotContaining("binaryllm-gpu");
    }
}
