package io.binaryllm.langchain4j.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingJobTest {
    @TempDir
    Path dir;

    @Test
    void embedsEachDistinctTextOnceInBatchesAndFillsRowsInOrder() {
        FakeEmbedder model = new FakeEmbedder();
        List<String> texts = List.of("a", "b", "a", "c", "d", "b", "e");
        List<Integer> progress = new ArrayList<>();
        var outcome = EmbeddingJob.run(texts, model, null, 2, "t", progress::add);
        assertThat(model.batches).containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
        assertThat(progress).containsExactly(2, 2, 1);
        assertThat(outcome.embedded()).isEqualTo(5);
        assertThat(outcome.fromCache()).isZero();
        for (int r = 0; r < texts.size(); r++) {
            assertThat(outcome.vectors().row(r)).containsExactly(FakeEmbedder.vectorOf(texts.get(r)));
        }
    }

    @Test
    void theCacheServesKnownTextsAcrossReopens() {
        FakeEmbedder first = new FakeEmbedder();
        try (EmbeddingCache cache = EmbeddingCache.open(dir, first.name(), first.dimensions())) {
            EmbeddingJob.run(List.of("x", "y"), first, cache, 8, "t", n -> { });
        }
        FakeEmbedder second = new FakeEmbedder();
        try (EmbeddingCache cache = EmbeddingCache.open(dir, second.name(), second.dimensions())) {
            assertThat(cache.size()).isEqualTo(2);
            var outcome = EmbeddingJob.run(List.of("y", "z", "x"), second, cache, 8, "t", n -> { });
            assertThat(second.batches).containsExactly(List.of("z"));
            assertThat(outcome.fromCache()).isEqualTo(2);
            assertThat(outcome.vectors().row(0)).containsExactly(FakeEmbedder.vectorOf("y"));
            assertThat(outcome.vectors().row(2)).containsExactly(FakeEmbedder.vectorOf("x"));
        }
    }

    @Test
    void aRecordCutShortByACrashIsIgnoredAndOverwritten() throws Exception {
        FakeEmbedder model = new FakeEmbedder();
        Path file;
        try (EmbeddingCache cache = EmbeddingCache.open(dir, model.name(), model.dimensions())) {
            cache.putAll(List.of("kept"), new float[][]{FakeEmbedder.vectorOf("kept")});
            file = cache.file();
        }
        long whole = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[17])); // a torn append
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir, model.name(), model.dimensions())) {
            assertThat(cache.size()).isEqualTo(1);
            cache.putAll(List.of("next"), new float[][]{FakeEmbedder.vectorOf("next")});
        }
        assertThat(Files.size(file)).isEqualTo(whole + (whole - 64));
        try (EmbeddingCache cache = EmbeddingCache.open(dir, model.name(), model.dimensions())) {
            assertThat(cache.get("next")).containsExactly(FakeEmbedder.vectorOf("next"));
            assertThat(cache.get("kept")).containsExactly(FakeEmbedder.vectorOf("kept"));
        }
    }

    @Test
    void aCacheOfAnotherModelOrSizeIsRefused() throws Exception {
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", 8)) {
            cache.putAll(List.of("a"), new float[][]{FakeEmbedder.vectorOf("a")});
        }
        Path file = dir.resolve("fake.vectors");
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "fake", 9))
                .hasMessage(file + ": holds 8-dimension vectors of 'fake', not 9 of 'fake'");
        Files.writeString(dir.resolve("junk.vectors"), "not a cache at all, but long enough to have a header of 64 bytes....");
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "junk", 8))
                .hasMessage(dir.resolve("junk.vectors") + ": not an embedding cache (delete it to start a new one)");
    }

    @Test
    void aCacheCreatedMeanwhileByAnotherModelIsNotAppendedTo() {
        try (EmbeddingCache eight = EmbeddingCache.open(dir, "fake", 8); EmbeddingCache nine = EmbeddingCache.open(dir, "fake", 9)) {
            eight.putAll(List.of("a"), new float[][]{FakeEmbedder.vectorOf("a")});
            assertThatThrownBy(() -> nine.putAll(List.of("b"), new float[][]{new float[9]}))
                    .hasMessage(dir.resolve("fake.vectors") + ": holds 8-dimension vectors of 'fake', not 9 of 'fake'");
        }
        try (EmbeddingCache again = EmbeddingCache.open(dir, "fake", 8)) {
            assertThat(again.size()).isEqualTo(1);
        }
    }
}
