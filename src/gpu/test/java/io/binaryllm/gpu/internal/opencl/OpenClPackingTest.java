package io.binaryllm.gpu.internal.opencl;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.binarize.Binarizers;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.gpu.PackingEquivalence;
import io.binaryllm.search.EquivalenceSuite;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The packing kernels (the same source CUDA runs) against the CPU binarizers, on pocl in CI. */
class OpenClPackingTest {
    @Test
    void signAndHyperplaneCodesEqualTheCpuBinarizers() {
        OpenClTests.runtime();
        try (OpenClBackend backend = new OpenClBackend()) {
            List<EquivalenceSuite.Check> checks = PackingEquivalence.run(backend, c -> { });
            assertThat(checks).hasSize(144);
            assertThat(checks.stream().filter(c -> !c.ok()).map(c -> c.what() + ": " + c.difference())).isEmpty();
        }
    }

    @Test
    void nanIsRefusedAndOtherBinarizersAreNotPacked() {
        OpenClTests.runtime();
        try (OpenClBackend backend = new OpenClBackend(); FloatEmbeddingBatch x = FloatEmbeddingBatch.of(new float[][]{{1f, Float.NaN}})) {
            assertThatThrownBy(() -> backend.pack(Binarizers.create("sign", null, new Seeds(1)), x))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("NaN");
            Binarizer other = new Binarizer() {
                public String name() {
                    return "other";
                }

                public int bits(int dims) {
                    return dims;
                }

                public Binarized binarize(FloatEmbeddingBatch input) {
                    throw new UnsupportedOperationException();
                }
            };
            try (FloatEmbeddingBatch ok = FloatEmbeddingBatch.of(new float[][]{{1f, 2f}})) {
                assertThatThrownBy(() -> backend.pack(other, ok)).isInstanceOf(BadArgumentException.class)
                        .hasMessage("no GPU packing for the other binarizer");
            }
        }
    }
}
