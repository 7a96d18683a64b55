package io.binaryllm.langchain4j.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        try (EmbeddingCache cache = EmbeddingCache.open(dir, first)) {
            EmbeddingJob.run(List.of("x", "y"), first, cache, 8, "t", n -> { });
        }
        FakeEmbedder second = new FakeEmbedder();
        try (EmbeddingCache cache = EmbeddingCache.open(dir, second)) {
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
        try (EmbeddingCache cache = EmbeddingCache.open(dir, model)) {
            cache.putAll(List.of("kept"), new float[][]{FakeEmbedder.vectorOf("kept")});
            file = cache.file();
        }
        long whole = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[17])); // a torn append
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir, model)) {
            assertThat(cache.size()).isEqualTo(1);
            cache.putAll(List.of("next"), new float[][]{FakeEmbedder.vectorOf("next")});
        }
        assertThat(Files.size(file)).isEqualTo(whole + (whole - 64));
        try (EmbeddingCache cache = EmbeddingCache.open(dir, model)) {
            assertThat(cache.get("next")).containsExactly(FakeEmbedder.vectorOf("next"));
            assertThat(cache.get("kept")).containsExactly(FakeEmbedder.vectorOf("kept"));
        }
    }

    @Test
    void aCacheOfAnotherModelOrSizeIsRefused() throws Exception {
        try (EmbeddingCache cache = EmbeddingCache.open(dir, "fake", 8, false)) {
            cache.putAll(List.of("a"), new float[][]{FakeEmbedder.vectorOf("a")});
        }
        Path file = dir.resolve("fake.vectors");
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "fake", 9, false))
                .hasMessage(file + ": holds 8-dimension vectors of 'fake', not 9 of 'fake'");
        Files.writeString(dir.resolve("junk.vectors"), "not a cache at all, but long enough to have a header of 64 bytes....");
        assertThatThrownBy(() -> EmbeddingCache.open(dir, "junk", 8, false))
                .hasMessage(dir.resolve("junk.vectors") + ": not an embedding cache (delete it to start a new one)");
    }

    @Test
    void aCacheCreatedMeanwhileByAnotherModelIsNotAppendedTo() {
        try (EmbeddingCache eight = EmbeddingCache.open(dir, "fake", 8, false); EmbeddingCache nine = EmbeddingCache.open(dir, "fake", 9, false)) {
            eight.putAll(List.of("a"), new float[][]{FakeEmbedder.vectorOf("a")});
            assertThatThrownBy(() -> nine.putAll(List.of("b"), new float[][]{new float[9]}))
                    .hasMessage(dir.resolve("fake.vectors") + ": holds 8-dimension vectors of 'fake', not 9 of 'fake'");
        }
        try (EmbeddingCache again = EmbeddingCache.open(dir, "fake", 8, false)) {
            assertThat(again.size()).isEqualTo(1);
        }
    }

    /** Overwrites float {@code at} of cache record {@code record} (64-byte header; 32 key bytes and 8 floats a record). */
    private static void damage(Path file, int record, int at, float value) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value), 64 + record * 64L + 32 + 4L * at);
        }
    }

    @Test
    void damagedCacheRecordsAreNeverPassedOnButEmbeddedAgainAndNamed() throws Exception {
        FakeEmbedder first = FakeEmbedder.normalising();
        Path file;
        try (EmbeddingCache cache = EmbeddingCache.open(dir, first)) {
            EmbeddingJob.run(List.of("a", "b", "c", "d"), first, cache, 8, "t", n -> { });
            file = cache.file();
        }
        damage(file, 0, 0, Float.NaN);
        damage(file, 1, 3, Float.POSITIVE_INFINITY);
        damage(file, 2, 5, 2.0f); // finite, but the norm is no longer 1
        FakeEmbedder second = FakeEmbedder.normalising();
        try (EmbeddingCache cache = EmbeddingCache.open(dir, second)) {
            var outcome = EmbeddingJob.run(List.of("a", "b", "c", "d"), second, cache, 8, "t", n -> { });
            assertThat(second.batches).containsExactly(List.of("a", "b", "c"));
            assertThat(outcome.fromCache()).isEqualTo(1);
            assertThat(outcome.repaired()).hasSize(3);
            assertThat(outcome.repaired().get(0)).isEqualTo(file + ": record 0 has NaN at 0");
            assertThat(outcome.repaired().get(1)).isEqualTo(file + ": record 1 has Infinity at 3");
            assertThat(outcome.repaired().get(2)).startsWith(file + ": record 2 has L2 norm ").endsWith(", not 1");
            for (int r = 0; r < 4; r++) {
                assertThat(outcome.vectors().row(r)).containsExactly(FakeEmbedder.unitVectorOf(List.of("a", "b", "c", "d").get(r)));
            }
        }
        // The good records appended supersede the damaged ones.
        FakeEmbedder third = FakeEmbedder.normalising();
        try (EmbeddingCache cache = EmbeddingCache.open(dir, third)) {
            var outcome = EmbeddingJob.run(List.of("a", "b", "c", "d"), third, cache, 8, "t", n -> { });
            assertThat(third.batches).isEmpty();
            assertThat(outcome.repaired()).isEmpty();
        }
    }

    @Test
    void aModelThatBreaksItsPromiseIsABugNotCached() {
        TextEmbedder broken = new TextEmbedder() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int dimensions() {
                return 2;
            }

            @Override
            public boolean unitNorm() {
                return true;
            }

            @Override
            public float[][] embed(List<String> texts) {
                return texts.stream().map(t -> new float[]{3, 4}).toArray(float[][]::new);
            }
        };
        try (EmbeddingCache cache = EmbeddingCache.open(dir, broken)) {
            assertThatThrownBy(() -> EmbeddingJob.run(List.of("x"), broken, cache, 8, "t", n -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessage("broken's vector of 'x' has L2 norm 5.0, not 1");
            assertThat(cache.size()).isZero();
        }
    }
}
