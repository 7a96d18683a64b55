package io.binaryllm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.binaryllm.langchain4j.BinaryEmbeddingStore;
import io.binaryllm.langchain4j.embed.EmbeddingCache;
import io.binaryllm.langchain4j.internal.StoreFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static io.binaryllm.fuzz.Refusals.answerOrRefuse;

/**
 * What the langchain4j module reads back: a saved store's three files, and the embedding cache. A store input is
 * the three files joined by {@link #SEPARATOR}, so that seeds are plain saved stores and mutations keep the cut.
 */
class StoreFilesFuzzTest {
    static final byte[] SEPARATOR = "\n<<binaryllm-fuzz-file>>\n".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "10m")
    void store(byte[] bytes) throws Exception {
        byte[][] parts = split(bytes, 3);
        Path dir = Scratch.write("store/store.json", parts[0]).getParent();
        Scratch.write("store/entries.jsonl", parts[1]);
        Scratch.write("store/vectors.f32", parts[2]);
        answerOrRefuse(() -> {
            StoreFiles.read(dir);
            try (BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().backend("reference").directory(Scratch.dir()).load(dir)) {
                store.size();
            }
        });
    }

    @FuzzTest(maxDuration = "10m")
    void embeddingCache(byte[] bytes) throws Exception {
        Path file = Scratch.write("cache/fake.vectors", bytes);
        answerOrRefuse(() -> {
            try (EmbeddingCache cache = EmbeddingCache.open(file.getParent(), "fake", 4, true)) {
                for (String text : new String[]{"a", "b", "c"}) {
                    float[] v = cache.get(text);
                    if (v != null) {
                        double squares = 0;
                        for (float f : v) {
                            squares += (double) f * f;
                        }
                        if (v.length != 4 || !(Math.abs(squares - 1) <= 1e-4)) {
                            throw new AssertionError("the cache passed on a damaged vector " + Arrays.toString(v));
                        }
                    }
                }
            }
        });
    }

    /** {@code bytes} cut at the first {@code n - 1} separators (missing parts are empty). */
    static byte[][] split(byte[] bytes, int n) {
        byte[][] out = new byte[n][];
        int from = 0;
        for (int part = 0; part < n; part++) {
            int at = part == n - 1 ? -1 : indexOf(bytes, SEPARATOR, from);
            int end = at < 0 ? bytes.length : at;
            out[part] = Arrays.copyOfRange(bytes, Math.min(from, bytes.length), Math.max(Math.min(from, bytes.length), end));
            from = at < 0 ? bytes.length : at + SEPARATOR.length;
        }
        return out;
    }

    private static int indexOf(byte[] bytes, byte[] pattern, int from) {
        outer:
        for (int i = from; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
