package io.binaryllm.gpu;

import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.seed.Seeds;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.ResourceMeter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engines and indexes opened and closed 10,000 times on each GPU backend: device memory (kept databases and pooled
 * buffers), descriptors, threads and native memory end where they started.
 */
class ResourceLeakTest {
    @ParameterizedTest
    @ValueSource(strings = {"opencl", "cuda"})
    void tenThousandEnginesAndIndexesLeaveNothingBehind(String name) {
        GpuBackend probe = (GpuBackend) Backends.open(name); // fails in CI where it should be available, else skips
        try (BinaryCodeBatch db = RandomCodes.generate(new Seeds(1).stream("db"), 2_000, 256, "db");
             BinaryCodeBatch q = RandomCodes.generate(new Seeds(1).stream("q"), 4, 256, "q")) {
            ResourceMeter.assertNoLeak(name + " engine and index", 200, 10_000, 256, () -> {
                try (BinaryEngine engine = BinaryEngine.builder().backend(name).build(); BinaryIndex<BinaryCodeBatch> index = engine.index(db)) {
                    assertThat(index.residence()).isNotEqualTo("in place");
                    assertThat(probe.deviceBytesHeld()).isPositive();
                    assertThat(index.search(q, 3).k()).isEqualTo(3);
                }
                assertThat(probe.deviceBytesHeld()).as("closing the engine and its index frees their device memory").isZero();
            }, probe::deviceBytesHeld);
        } finally {
            probe.close();
        }
    }
}
