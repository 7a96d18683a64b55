package io.binaryllm.cli;

import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.io.Npy;
import io.binaryllm.langchain4j.embed.TextEmbedder;
import io.binaryllm.langchain4j.embed.TextEmbedders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.binaryllm.cli.CliHarness.cli;
import static org.assertj.core.api.Assertions.assertThat;

class EmbedCommandTest {
    @TempDir
    Path dir;

    @Test
    void jsonlBecomesVectorsIdsAndLabelsAndARerunComesFromTheCache() throws Exception {
        Path in = Files.writeString(dir.resolve("docs.jsonl"), """
                {"id": "d1", "text": "The cat sat on the mat.", "label": "animals"}
                {"id": "d2", "text": "Stocks fell sharply on Monday.", "label": "finance"}

                {"id": "d3", "text": "A dog chased the ball.", "label": "animals"}
                """);
        Path out = dir.resolve("docs.npy");
        var run = cli("embed", "--input", in, "--output", out, "--cache-dir", dir.resolve("cache"), "--batch-size", "2");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("3 texts", "[3 x 384]", "3 embedded, 0 from the cache", "1 blank line skipped", "2 labels");
        assertThat(Files.readAllLines(dir.resolve("docs.ids.txt"))).containsExactly("d1", "d2", "d3");
        assertThat(Files.readAllLines(dir.resolve("docs.labels.txt"))).containsExactly("animals", "finance");
        assertThat(Npy.readHeap(dir.resolve("docs.labels.npy")).ints()).containsExactly(0, 1, 0);
        try (FloatEmbeddingBatch v = Npy.readFloats(out); TextEmbedder model = TextEmbedders.miniLm()) {
            float[][] direct = model.embed(List.of("The cat sat on the mat.", "Stocks fell sharply on Monday.", "A dog chased the ball."));
            for (int r = 0; r < 3; r++) {
                assertThat(v.row(r)).containsExactly(direct[r]);
            }
        }
        byte[] first = Files.readAllBytes(out);
        var again = cli("embed", "--input", in, "--output", out, "--cache-dir", dir.resolve("cache"), "--force");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("0 embedded, 3 from the cache");
        assertThat(Files.readAllBytes(out)).isEqualTo(first);
    }

    @Test
    void badTextGetsExitCode2OneLineAndNoOutput() throws Exception {
        Path in = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"fine\"}\n{\"txt\": \"typo\"}\n");
        Path out = dir.resolve("bad.npy");
        var run = cli("embed", "--input", in, "--output", out, "--no-cache");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines().toList()).containsExactly("binaryllm: " + in + ":2: no \"text\" field");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bad.jsonl");
        }
    }

    @Test
    void existingOutputsAreNotReplacedUnlessAsked() throws Exception {
        Path in = Files.writeString(dir.resolve("t.txt"), "one\n");
        Files.writeString(dir.resolve("t.ids.txt"), "precious\n");
        var run = cli("embed", "--input", in, "--output", dir.resolve("t.npy"), "--no-cache");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("t.ids.txt: already exists (pass --force to replace it)");
        assertThat(Files.readString(dir.resolve("t.ids.txt"))).isEqualTo("precious\n");
        assertThat(dir.resolve("t.npy")).doesNotExist();
    }

    /**
     * A full disk where the native libraries are unpacked at start is one line saying so (it printed a stack trace,
     * then "internal error: UnsatisfiedLinkError", exit 1). In a JVM of its own: a library loads once per JVM.
     */
    @Test
    void aFullTemporaryDiskAtStartIsOneLine() throws Exception {
        Path in = Files.writeString(dir.resolve("t.txt"), "one text\n");
        Path tmp = dir.resolve("tmp");
        try (AutoCloseable disk = io.binaryllm.testing.SpecialFiles.tinyDisk(tmp, 64)) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Djava.io.tmpdir=" + tmp,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "embed", "--input", in.toString(),
                    "--output", dir.resolve("o.npy").toString(), "--no-cache").redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(output).isEqualTo(2);
            assertThat(output.lines().toList()).as(output).singleElement().asString()
                    .startsWith("binaryllm: embedding model all-MiniLM-L6-v2: its native libraries (ONNX Runtime, the tokenizer) do not load: ")
                    .contains("java.io.tmpdir (" + tmp + ", ").endsWith("is that disk full or read-only? (-Djava.io.tmpdir names another)");
        }
        assertThat(dir.resolve("o.npy")).doesNotExist();
    }
}
