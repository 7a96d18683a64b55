package io.binaryllm.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.binaryllm.BadInputException;
import io.binaryllm.langchain4j.internal.StoreFiles;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
        assertThat(options.binarizer()).isEqualTo("osq");
        assertThat(options.bits()).isEqualTo(1);
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        Files.write(saved.resolve("vectors.f32"), Arrays.copyOf(floats, floats.length - 4));
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(dir).load(saved))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith(saved.resolve("vectors.f32") + ": 156 bytes, expected 160");
        Files.writeString(saved.resolve("store.json"), "{}");
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(dir).load(saved))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith(saved.resolve("store.json") + ": not a saved BinaryEmbeddingStore");
    }

    /** A saved store's three files, edited one way: which file, and its new text (null: unchanged). */
    private record Edit(String json, String entries, byte[] vectors) {
    }

    private Path savedCopy(String name, Edit edit) throws Exception {
        Path original = dir.resolve("original");
        if (!Files.exists(original)) {
            try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().binarizer("hyperplane").bits(70).seed(3)
                    .rescoreFactor(2).directory(dir).build()) {
                List<Embedding> data = vectors(2, 4, 5);
                store.addAll(List.of("first", "second"), data, Arrays.asList(TextSegment.from("one", new Metadata().put("n", 1)), null));
                store.save(original);
            }
        }
        Path copy = Files.createDirectories(dir.resolve(name));
        Files.writeString(copy.resolve("store.json"), edit.json() != null ? edit.json() : Files.readString(original.resolve("store.json")));
        Files.writeString(copy.resolve("entries.jsonl"), edit.entries() != null ? edit.entries() : Files.readString(original.resolve("entries.jsonl")));
        Files.write(copy.resolve("vectors.f32"), edit.vectors() != null ? edit.vectors() : Files.readAllBytes(original.resolve("vectors.f32")));
        return copy;
    }

    private static String json(String options) {
        return "{\"format\": 1, \"binarizer\": \"hyperplane\", \"bits\": 70, \"seed\": 3, \"rescore_factor\": 2, \"dims\": 4, \"entries\": 2"
                + options + "}";
    }

    @Test
    void aSavedStoreIsTrustedOnlyAsFarAsItChecksOut() throws Exception {
        String entries = "{\"id\":\"first\",\"text\":\"one\",\"metadata\":{\"n\":{\"type\":\"int\",\"value\":1}}}\n{\"id\":\"second\",\"text\":null}\n";
        byte[] nan = new byte[32];
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(20, Float.NaN);
        Object[][] cases = {
                {new Edit(json("").replace("\"rescore_factor\": 2", "\"rescore_factor\": -1"), null, null), "store.json: rescore_factor: expected an integer between 0 and 2147483647, got -1"},
                {new Edit(json("").replace("\"seed\": 3", "\"seed\": \"three\""), null, null), "store.json: seed: expected a 64-bit integer, got \"three\""},
                {new Edit(json("").replace("\"seed\": 3", "\"seed\": 3.5"), null, null), "store.json: seed: expected a 64-bit integer, got 3.5"},
                {new Edit(json("").replace("\"dims\": 4", "\"dims\": 4294967300"), null, null), "store.json: dims: expected an integer between 1 and 2147483647, got 4294967300"},
                {new Edit(json("").replace("\"entries\": 2", "\"entries\": 2147483648"), null, null), "store.json: entries: expected an integer between 0 and 2147483639, got 2147483648"},
                {new Edit(json("").replace("\"bits\": 70", "\"bits\": 0"), null, null), "store.json: bits: expected an integer between 1 and 2147483647, got 0"},
                {new Edit(json("").replace("hyperplane", "hyperplan"), null, null), "store.json: binarizer: expected one of sign, scaled-sign, hyperplane, osq, got \"hyperplan\""},
                {new Edit(json(", \"extra\": true"), null, null), "store.json: extra: unknown key"},
                {new Edit(json(", \"seed\": 4"), null, null), "store.json: not a saved BinaryEmbeddingStore (Duplicate field 'seed'"},
                {new Edit(json("").replace("\"seed\": 3", "\"seed\": null"), null, null), "store.json: seed: expected a 64-bit integer, got null"},
                {new Edit(null, entries.replace("second", "first"), null), "entries.jsonl:2: id 'first' was already used on line 1"},
                {new Edit(null, entries.replace("\"value\":1", "\"value\":10000000000"), null), "entries.jsonl:1: metadata.n: 10000000000 is not a valid int"},
                {new Edit(null, entries.replace("\"int\"", "\"date\""), null), "entries.jsonl:1: metadata.n: unknown type 'date'"},
                {new Edit(null, entries.replace("\"id\":\"first\"", "\"id\":7"), null), "entries.jsonl:1: id: expected a non-blank string, got 7"},
                {new Edit(null, entries.replace("\"text\":\"one\"", "\"text\":1"), null), "entries.jsonl:1: text: expected a string or null, got number"},
                {new Edit(null, entries + "{\"id\":\"third\",\"text\":null}\n", null), "entries.jsonl: 3 entries, store.json says 2"},
                {new Edit(null, null, nan), "vectors.f32: vector 1 (id 'second') has NaN at 1"},
                {new Edit(null, null, new byte[31]), "vectors.f32: 31 bytes, expected 32"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path copy = savedCopy("edit" + i, (Edit) cases[i][0]);
            String expected = copy.resolve((String) cases[i][1]).toString();
            assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(dir).load(copy)).as((String) cases[i][1])
                    .isInstanceOf(BadInputException.class).hasMessageStartingWith(expected)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        // The unedited copy loads: the checks refuse damage, not stores.
        try (BinaryEmbeddingStore loaded = BinaryEmbeddingStore.builder().directory(dir).load(savedCopy("unedited", new Edit(null, null, null)))) {
            assertThat(loaded.size()).isEqualTo(2);
        }
    }

    @Test
    void aStoreDirectoryThatIsNoneOrHoldsSpecialFilesIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> StoreFiles.read(file)).isInstanceOf(BadInputException.class)
                .hasMessage(file + ": is a file, not a saved store's directory");
        assertThatThrownBy(() -> StoreFiles.read(dir.resolve("none"))).hasMessage(dir.resolve("none") + ": no such directory");
        Path saved = savedCopy("fifo", new Edit(null, null, null));
        Files.delete(saved.resolve("entries.jsonl"));
        SpecialFiles.fifo(saved.resolve("entries.jsonl"));
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> StoreFiles.read(saved)).hasMessage(saved.resolve("entries.jsonl") + ": is a FIFO (named pipe), not a regular file"));
    }

    /** The scratch file of vectors is extended by writing, then mapped: a full disk is a plain refusal, not a fault. */
    @Test
    void aFullScratchDiskIsBadInputNotAFault() throws Exception {
        Path small = dir.resolve("small");
        try (AutoCloseable disk = SpecialFiles.tinyDisk(small, 64);
             BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().directory(small).build()) {
            // Refused before a byte is written (filling the disk would starve every other writer on it).
            assertThatThrownBy(() -> store.addAll(vectors(400, 64, 9))).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(small + ": the store's scratch file needs 100.0 KiB more to hold 400 vectors of 64 floats, ")
                    .hasMessageEndingWith(" are free here");
            // Nothing of the refused batch is half in: the store is as it was, and still answers.
            assertThat(store.size()).isZero();
            assertThat(store.search(EmbeddingSearchRequest.builder().queryEmbedding(vectors(1, 64, 10).getFirst()).maxResults(3).build())
                    .matches()).isEmpty();
        }
    }

    /**
     * A store.json whose dims and entries promise more than memory or the scratch disk holds is refused before
     * anything is read or written, naming the store (it was an ArithmeticException, or a scratch file grown until
     * the disk was full, named instead of the store).
     */
    @Test
    void aSavedStoreTooLargeForMemoryOrTheScratchDiskIsRefusedNamingIt() throws Exception {
        Path wide = savedCopy("wide", new Edit("{\"format\": 1, \"binarizer\": \"sign\", \"seed\": 3, \"rescore_factor\": 2,"
                + " \"dims\": 600000000, \"entries\": 1}", "{\"id\":\"a\",\"text\":null}\n", new byte[0]));
        assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(dir).load(wide)).isInstanceOf(BadInputException.class)
                .hasMessage(wide.resolve("store.json") + ": dims: 600000000 floats a vector are more than a store holds (at most 536870909)");
        Path big = savedCopy("big", new Edit("{\"format\": 1, \"binarizer\": \"sign\", \"seed\": 3, \"rescore_factor\": 2,"
                + " \"dims\": 500000000, \"entries\": 1}", "{\"id\":\"a\",\"text\":null}\n", new byte[0]));
        try (RandomAccessFile f = new RandomAccessFile(big.resolve("vectors.f32").toFile(), "rw")) {
            f.setLength(2_000_000_000L); // sparse: the size store.json promises, without the disk
        }
        Path small = dir.resolve("small");
        try (AutoCloseable disk = SpecialFiles.tinyDisk(small, 64)) {
            assertThatThrownBy(() -> BinaryEmbeddingStore.builder().directory(small).load(big)).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(big + ": its 1 vectors of 500000000 floats need 1.9 GiB of scratch space in " + small + ", ")
                    .hasMessageEndingWith(" are free there (Builder.directory names another)");
            try (var files = Files.list(small)) {
                assertThat(files).isEmpty();
            }
        }
    }
}
