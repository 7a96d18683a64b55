package io.binaryllm.cli;

import io.binaryllm.data.RandomCodes;
import io.binaryllm.data.io.Npy;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A search killed with SIGKILL at many moments of its run, over outputs of an earlier search: its two outputs are
 * each whole (old or new, never cut), a new-and-old pair exists only while the commit journal that repairs it does,
 * and the next command writing in the directory completes the commit and deletes the dead process's temporary files.
 */
class CrashConsistencyTest {
    private static final int QUERIES = 10_000;
    private static final int KILLS = 12;

    @TempDir
    Path dir;

    private String[] search(int k) {
        return new String[]{"search", "--backend", "cpu", "--database", dir.resolve("db.npy").toString(),
                "--queries", dir.resolve("q.npy").toString(), "--k", String.valueOf(k), "--force",
                "--indices", dir.resolve("I.npy").toString(), "--distances", dir.resolve("D.npy").toString()};
    }

    /** The same search in a new JVM, as a user's shell would start it. */
    private Process start(int k) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(Arrays.asList(search(k)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The k of a whole output file, or a description of what is wrong with it. */
    private static Object kOf(Path file) {
        try {
            long[] shape = Npy.readHeap(file).shape();
            return shape.length == 2 && shape[0] == QUERIES ? (Object) (int) shape[1] : "shape " + Arrays.toString(shape);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private List<String> hidden() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void killedAtAnyMomentTheOutputsAreOldOrNewAndTheNextWriterCompletesTheCommit() throws Exception {
        try (var db = RandomCodes.generate(new Seeds(3).stream("db"), 20_000, 128, "db");
             var q = RandomCodes.generate(new Seeds(3).stream("q"), QUERIES, 128, "q")) {
            Npy.writeCodes(dir.resolve("db.npy"), false, db);
            Npy.writeCodes(dir.resolve("q.npy"), false, q);
        }
        assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), search(100))).isZero();
        Path oldI = Files.copy(dir.resolve("I.npy"), dir.resolve("old-I"));
        Path oldD = Files.copy(dir.resolve("D.npy"), dir.resolve("old-D"));

        // When a whole run here starts writing (its temporary files appear) and commits (I.npy changes): the kills
        // are spread from a little before the one to a little after the other.
        long oldSize = Files.size(oldI);
        long t0 = System.nanoTime();
        long writing = -1;
        long committed = -1;
        Process whole = start(300);
        while (whole.isAlive() || committed < 0) {
            long now = System.nanoTime() - t0;
            if (writing < 0 && hidden().stream().anyMatch(n -> n.endsWith(".partial"))) {
                writing = now;
            }
            if (committed < 0 && Files.size(dir.resolve("I.npy")) != oldSize) {
                committed = now;
            }
            if (!whole.isAlive() && committed < 0 && Files.size(dir.resolve("I.npy")) == oldSize) {
                break;
            }
            Thread.sleep(2);
        }
        assertThat(whole.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(whole.exitValue()).isZero();
        assertThat(kOf(dir.resolve("I.npy"))).isEqualTo(300);
        assertThat(committed).as("the commit was seen").isPositive();
        // Runs under test differ from the observed one by more than the write lasts: each kill steers the next,
        // earlier after one that found the commit made, later after one that found nothing written yet, so that
        // the kills gather around the write and the renames.
        long killAt = Math.max(0, (writing > 0 ? writing : committed) - 50_000_000L);
        long step = 40_000_000L;
        TreeMap<String, Integer> outcomes = new TreeMap<>();
        List<Long> kills = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            Files.copy(oldI, dir.resolve("I.npy"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(oldD, dir.resolve("D.npy"), StandardCopyOption.REPLACE_EXISTING);
            long startedAt = System.nanoTime();
            Process p = start(300);
            long wait = killAt - (System.nanoTime() - startedAt);
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            p.waitFor();
            boolean partials = hidden().stream().anyMatch(n -> n.endsWith(".partial"));
            Object i1 = kOf(dir.resolve("I.npy"));
            Object d1 = kOf(dir.resolve("D.npy"));
            assertThat(List.of(i1, d1)).as("kill %d: each output is whole, old or new", i).allMatch(k -> k.equals(100) || k.equals(300));
            boolean journal = hidden().stream().anyMatch(n -> n.startsWith(".binaryllm-commit."));
            if (!i1.equals(d1)) {
                assertThat(journal).as("kill %d: a half pair (I k=%s, D k=%s) has its journal", i, i1, d1).isTrue();
            }
            // The next command that writes here (any command, any outputs).
            assertThat(Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "search",
                    "--database", dir.resolve("db.npy").toString(), "--queries", dir.resolve("q.npy").toString(), "--k", "1",
                    "--force", "--indices", dir.resolve("I2.npy").toString(), "--distances", dir.resolve("D2.npy").toString())).isZero();
            Object i2 = kOf(dir.resolve("I.npy"));
            Object d2 = kOf(dir.resolve("D.npy"));
            assertThat(i2).as("kill %d: after the next writer the pair is consistent", i).isEqualTo(d2);
            assertThat(hidden()).as("kill %d: no journal or temporary file of the dead process is left", i).isEmpty();
            long killedAt = killAt;
            killAt = Math.max(0, i1.equals(300) && d1.equals(300) ? killAt - step : partials ? killAt + 5_000_000L : killAt + step / 2);
            step = Math.max(5_000_000L, step * 3 / 4);
            outcomes.merge((i1.equals(d1) ? "whole pair" : "half pair, repaired") + " k=" + i2
                    + (partials ? ", temporary files deleted" : ""), 1, Integer::sum);
            kills.add(killedAt / 1_000_000);
        }
        // Which moments the kills hit depends on the machine; every outcome above is a correct one.
        System.out.printf("CrashConsistencyTest: kills at %s ms (a whole run wrote from %d ms and committed at %d ms): %s%n",
                kills, writing / 1_000_000, committed / 1_000_000, outcomes);
    }
}
