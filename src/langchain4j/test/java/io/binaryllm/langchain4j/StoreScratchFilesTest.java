package io.binaryllm.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.binaryllm.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that is never closed (langchain4j applications rarely close theirs) leaves nothing in its scratch directory:
 * a child JVM fills and searches a store, then exits without closing it, or is killed (SIGKILL) while the store is
 * open; either way the directory is empty afterwards.
 */
class StoreScratchFilesTest {
    @TempDir
    Path dir;

    /** The child: fills a store in {@code args[0]}, searches it, says "ready", then exits ("exit") or waits ("wait"). */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            BinaryEmbeddingStore store = BinaryEmbeddingStore.builder().directory(Path.of(args[0])).build();
            SplittableRandom r = new SplittableRandom(1);
            List<Embedding> rows = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                float[] v = new float[64];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) r.nextGaussian();
                }
                rows.add(Embedding.from(v));
            }
            store.addAll(rows);
            store.search(EmbeddingSearchRequest.builder().queryEmbedding(rows.getFirst()).maxResults(5).build());
            System.out.println("ready");
            System.out.flush();
            if (args[1].equals("wait")) {
                Thread.sleep(60_000);
            }
            System.exit(0); // the store is never closed
        }
    }

    @Test
    void aStoreNeverClosedLeavesNoFileWhenItsJvmExits() throws Exception {
        Process child = start("exit");
        awaitReady(child);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertEmpty();
    }

    @Test
    void aStoreOfAKilledJvmLeavesNoFile() throws Exception {
        Process child = start("wait");
        awaitReady(child);
        assertEmpty(); // open and holding 3,000 vectors, yet nothing in the directory
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertEmpty();
    }

    private Process start(String mode) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", ChildJvm.classPath(), Child.class.getName(),
                dir.toString(), mode).redirectErrorStream(true).start();
    }

    private static void awaitReady(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready")) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child ended before it was ready:\n" + seen);
    }

    private void assertEmpty() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("files left in the scratch directory").isEmpty();
        }
    }
}
