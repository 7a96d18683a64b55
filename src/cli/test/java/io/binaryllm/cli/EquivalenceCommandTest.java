package io.binaryllm.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code binaryllm equivalence}: every available backend against reference, the GPU ones' packing too. */
class EquivalenceCommandTest {
    @Test
    void theCommandPassesForEveryAvailableBackend() {
        CliHarness.Run run = CliHarness.cli("equivalence");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains(" 0 failed").contains("cpu ").contains("native ");
    }
}
