package io.binaryllm.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.binaryllm.gpu.GpuBackend;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.testing.Backends;
import io.binaryllm.testing.ResourceMeter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stores built, filled, searched and closed 10,000 times on every backend: each has a scratch file of vectors and an
 * engine; descriptors, threads, native and device memory and the scratch directory end where they started.
 */
class StoreResourceLeakTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu", "native", "opencl", "cuda"})
    void tenThousandStoresLeaveNothingBehind(String name) throws Exception {
        SearchBackend probe = Backends.open(name); // fails in CI where it should be available, else skips
        LongSupplier device = probe instanceof GpuBackend g ? g::deviceBytesHeld : () -> 0;
        SplittableRandom r = new SplittableRandom(7);
        List<Embedding> data = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            float[] v = new float[64];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextGaussian();
            }
            data.add(Embedding.from(v));
        }
        EmbeddingSearchRequest request = EmbeddingSearchRequest.builder().queryEmbedding(data.get(3)).maxResults(2).build();
        try {
            ResourceMeter.assertNoLeak(name + " store", 200, 10_000, 256, () -> {
                try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().backend(name).directory(dir).build()) {
                    store.addAll(data);
                    assertThat(store.search(request).matches()).hasSize(2);
                }
            }, device);
        } finally {
            probe.close();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("scratch files of closed stores").isEmpty();
        }
    }
}
