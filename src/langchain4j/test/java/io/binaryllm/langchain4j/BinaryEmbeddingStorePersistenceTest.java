package io.binaryllm.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.binaryllm.BadInputException;
import io.binaryllm.langchain4j.internal.StoreFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinaryEmbeddingStorePersistenceTest {
    @TempDir
    Path dir;

    private static List<Embedding> vectors(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Embedding> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) r.nextGaussian();
            }
            out.add(Embedding.from(v));
        }
        return out;
    }

    private static List<String> top(BinaryEmbeddingStore store, Embedding q, int k) {
        return store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(k).build()).matches().stream()
                .map(m -> m.embeddingId() + "@" + m.score()).toList();
    }

    /** Loading through a builder leaves the builder's own options alone: it still builds the stores it did. */
    @Test
    void loadingDoesNotChangeTheBuilder() {
        Path saved = dir.resolve("hyperplane");
        List<Embedding> data = vectors(5, 40, 2);
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("hyperplane").bits(70).seed(3)
                .rescoreFactor(0).directory(dir).build()) {
            data.forEach(store::add);
            store.save(saved);
        }
        BinaryEmbeddingStore.Builder builder = BinaryEmbeddingStore.builder().directory(dir);
        try (BinaryEmbeddingStore loaded = builder.load(saved)) {
            assertThat(loaded.size()).isEqualTo(5);
        }
        Path fresh = dir.resolve("fresh");
        try (BinaryEmbeddingStore store = builder.build()) {
            data.forEach(store::add);
            store.save(fresh);
        }
        StoreFiles.Options options = StoreFiles.read(fresh).options();
        assertThat(options.binarizer()).isEqualTo("sign");
        assertThat(options.bits()).isNull();
        assertThat(options.seed()).isZero();
        assertThat(options.rescoreFactor()).isEqualTo(4);
        assertThat(StoreFiles.read(saved).options().binarizer()).isEqualTo("hyperplane");
    }

    @Test
    void aSavedStoreLoadsWithTheSameEntriesMetadataTypesAndResults() {
        List<Embedding> data = vectors(300, 97, 1);
        UUID uuid = UUID.randomUUID();
        Path saved = dir.resolve("saved");
        List<String> before;
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("hyperplane").bits(130).seed(7)
                .rescoreFactor(2).directory(dir).build()) {
            for (int i = 0; i < data.size(); i++) {
                if (i % 3 == 0) {
                    store.add("id" + i, data.get(i));
                } else {
                    store.add(data.get(i), TextSegment.from("text " + i + "\nwith a line break", new Metadata()
                            .put("i", i).put("l", (long) i << 33).put("f", i / 3f).put("d", i / 7.0).put("s", "v" + i).put("u", uuid)));
                }
            }
            store.remove("id0");
            before = top(store, data.get(5), 20);
            store.save(saved);
            assertThatThrownBy(() -> store.save(saved)).isInstanceOf(BadInputException.class).hasMessageContaining("already exists");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty(); // no temporary left
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (BinaryEmbeddingStore loaded = BinaryEmbeddingStore.builder().directory(dir).load(saved)) {
            assertThat(loaded.size()).isEqualTo(299);
            assertThat(top(loaded, data.get(5), 20)).isEqualTo(before);
            EmbeddingMatch<TextSegment> m = loaded.search(EmbeddingSearchRequest.builder().queryEmbedding(data.get(4)).maxResults(1)
                    .filter(metadataKey("i").isEqualTo(4)).build()).matches().getFirst();
            assertThat(m.embedded().text()).isEqualTo("text 4\nwith a line break");
            Metadata md = m.embedded().metadata();
            assertThat(md.getInteger("i")).isEqualTo(4);
            assertThat(md.getLong("l")).isEqualTo(4L << 33);
            assertThat(md.getFloat("f")).isEqualTo(4 / 3f);
            assertThat(md.getDouble("d")).isEqualTo(4 / 7.0);
            assertThat(md.getUUID("u")).isEqualTo(uuid);
            assertThat(md.toMap().get("i")).isInstanceOf(Integer.class);
            assertThat(m.embedding()).isEqualTo(data.get(4));
        }
    }

    @Test
    void damagedFilesAreRefusedNamingTheFile() throws Exception {
        Path saved = dir.resolve("s");
        try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().directory(dir).build()) {
            store.addAll(vectors(5, 8, 2));
            store.save(saved);
        }
        byte[] floats = Files.readAllBytes(saved.resolve("vectors.f32"));
        Files.write(saved.resolve("vectors.f32"), java.util.Arrays.copyOf(floats, floats.length - 4));
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(dir).load(saved))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith(saved.resolve("vectors.f32") + ": 156 bytes, expected 160");
        Files.writeString(saved.resolve("store.json"), "{}");
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(dir).load(saved))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith(saved.resolve("store.json") + ": not a saved BinaryEmbeddingStore");
    }
}
