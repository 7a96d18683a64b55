package io.binaryllm.example;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.SearchResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's library examples, as the README shows them (imports and all): compiled here with binaryllm-core alone
 * on the class path (the module's only dependency; checked), then run.
 */
class ReadmeExampleTest {
    private static final Path HOME = Path.of(System.getProperty("binaryllm.home", "."));
    private static final Pattern CLASS = Pattern.compile("^class (\\w+)", Pattern.MULTILINE);

    @TempDir
    static Path dir;
    private static ClassLoader examples;
    private static float[][] docVectors;
    private static float[][] questionVectors;

    /** The {@code java} blocks of the README's Library section. */
    static List<String> librarySnippets() throws IOException {
        String readme = Files.readString(HOME.resolve("README.md"));
        int from = readme.indexOf("## Library");
        String section = readme.substring(from, readme.indexOf("\n## ", from + 1));
        List<String> blocks = new ArrayList<>();
        for (int at = section.indexOf("```java"); at >= 0; at = section.indexOf("```java", at + 1)) {
            int start = at + "```java".length();
            blocks.add(section.substring(start, section.indexOf("```", start)).strip() + "\n");
        }
        return blocks;
    }

    @BeforeAll
    static void compileTheReadmesExamples() throws Exception {
        List<String> snippets = librarySnippets();
        assertThat(snippets).hasSize(2);
        List<String> files = new ArrayList<>();
        for (String s : snippets) {
            Matcher m = CLASS.matcher(s);
            assertThat(m.find()).as("a README example is a class:%n%s", s).isTrue();
            files.add(Files.writeString(dir.resolve(m.group(1) + ".java"), s).toString());
        }
        // Compiled against core alone: the artifact as Maven resolved it (its jar, or its classes in the reactor).
        List<String> core = List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).stream()
                .filter(e -> e.contains("binaryllm-core") || e.replace('\\', '/').endsWith("src/core/target/classes")).toList();
        assertThat(core).as("binaryllm-core on the class path").hasSize(1);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", core.getFirst(), "-Xlint:all", "-Werror"));
        args.addAll(files);
        int code = javac.run(null, messages, messages, args.toArray(String[]::new));
        assertThat(code).as(messages.toString(StandardCharsets.UTF_8)).isZero();
        examples = new URLClassLoader(new URL[]{dir.toUri().toURL()}, ReadmeExampleTest.class.getClassLoader());
        // 1,000 documents of 384 dimensions; the questions are documents 7 and 421 with a little noise.
        SplittableRandom random = new SplittableRandom(1);
        docVectors = new float[1000][384];
        for (float[] v : docVectors) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        questionVectors = new float[][]{docVectors[7].clone(), docVectors[421].clone()};
        for (float[] v : questionVectors) {
            for (int j = 0; j < v.length; j += 50) {
                v[j] = -v[j];
            }
        }
    }

    private static Method method(String className, String name) throws Exception {
        Class<?> c = examples.loadClass(className);
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                m.setAccessible(true);
                return m;
            }
        }
        throw new AssertionError(className + " has no method " + name);
    }

    @Test
    void theHammingExampleFindsEachQuestionsDocument() throws Exception {
        long[][] nearest = (long[][]) method("Nearest", "nearest").invoke(null, docVectors, questionVectors);
        assertThat(nearest).hasDimensions(2, 10);
        assertThat(nearest[0][0]).isEqualTo(7);
        assertThat(nearest[1][0]).isEqualTo(421);
    }

    @Test
    void theOsqExampleFindsEachQuestionsDocument() throws Exception {
        try (BinaryEngine engine = BinaryEngine.builder().backend("auto").seed(42).build();
             FloatEmbeddingBatch docs = FloatEmbeddingBatch.of(docVectors);
             FloatEmbeddingBatch questions = FloatEmbeddingBatch.of(questionVectors)) {
            SearchResult top = (SearchResult) method("OsqNearest", "top10").invoke(null, engine, docs, questions);
            assertThat(top.k()).isEqualTo(10);
            assertThat(top.indicesOf(0)[0]).isEqualTo(7);
            assertThat(top.indicesOf(1)[0]).isEqualTo(421);
            assertThat(top.scoresOf(0)[0]).isGreaterThan(top.scoresOf(0)[1]);
        }
    }
}
