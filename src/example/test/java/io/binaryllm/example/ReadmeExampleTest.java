package io.binaryllm.example;

import io.binaryllm.binarize.Binarized;
import io.binaryllm.binarize.Binarizer;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's library example, verbatim (a test holds the two texts equal), run with binaryllm-core alone on the
 * classpath.
 */
class ReadmeExampleTest {
    private static final Path HOME = Path.of(System.getProperty("binaryllm.home", "."));

    @Test
    void theReadmeExampleFindsEachQuestionsDocument() {
        // 1,000 documents of 384 dimensions; the questions are documents 7 and 421 with a little noise.
        SplittableRandom random = new SplittableRandom(1);
        float[][] docVectors = new float[1000][384];
        for (float[] v : docVectors) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        float[][] questionVectors = {docVectors[7].clone(), docVectors[421].clone()};
        for (float[] v : questionVectors) {
            for (int j = 0; j < v.length; j += 50) {
                v[j] = -v[j];
            }
        }
        long[] firstNearest;
        int[] firstDistances;
        // --- README ---
        try (BinaryEngine engine = BinaryEngine.builder().backend("auto").seed(42).build();
             FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(docVectors);               // float[n][d]
             FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(questionVectors)) {
            Binarizer sign = engine.binarizer("sign", null);                              // or ("hyperplane", 256)
            try (Binarized docCodes = engine.encode(sign, docs);
                 Binarized questionCodes = engine.encode(sign, questions);
                 BinaryIndex<BinaryCodeBatch> index = engine.index(docCodes.codes())) {     // on a GPU: kept on the device
                SearchResult top = index.search(questionCodes.codes(), 10);             // exact top-10, ties by index
                long[] nearest = top.indicesOf(0);                                       // question 0's documents
                int[] distances = top.distancesOf(0);                                    // and their Hamming distances
                // --- end ---
                firstNearest = nearest;
                firstDistances = distances;
                assertThat(top.indicesOf(1)[0]).isEqualTo(421);
            }
        }
        assertThat(firstNearest[0]).isEqualTo(7);
        assertThat(firstDistances[0]).isEqualTo(8); // the 8 flipped signs (j = 0, 50, ..., 350)
        assertThat(firstDistances).isSorted();
    }

    /** The README shows the example between its markers, line for line (indentation aside). */
    @Test
    void theReadmeShowsThisExample() throws IOException {
        List<String> test = between(Files.readAllLines(HOME.resolve("src/example/test/java/io/binaryllm/example/ReadmeExampleTest.java")),
                "// --- README ---", "// --- end ---");
        String readme = Files.readString(HOME.resolve("README.md"));
        String block = readme.substring(readme.indexOf("```java", readme.indexOf("## Library")) + "```java".length());
        List<String> shown = block.substring(0, block.indexOf("```")).strip().lines().map(String::strip).toList();
        assertThat(shown).isNotEmpty();
        // the README closes the blocks the test keeps open for its own checks
        assertThat(test).startsWith(shown.subList(0, test.size()).toArray(String[]::new));
        assertThat(shown.subList(test.size(), shown.size())).allMatch(l -> l.equals("}"));
    }

    private static List<String> between(List<String> lines, String from, String to) {
        List<String> stripped = lines.stream().map(String::strip).toList();
        return stripped.subList(stripped.indexOf(from) + 1, stripped.indexOf(to));
    }
}
