package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StagedDirectoryTest {
    @TempDir
    Path dir;

    private Path staged(String name, String file, String text) throws Exception {
        StagedDirectory s = StagedDirectory.create(dir, name);
        Files.writeString(s.path().resolve(file), text);
        assertThat(s.path().getFileName().toString()).startsWith("." + name + ".").endsWith(".partial"); // hidden until complete
        return s.commit();
    }

    @Test
    void aCommittedDirectoryTakesTheFirstFreeNameAndNeverReusesOne() throws Exception {
        assertThat(staged("run", "a", "1")).isEqualTo(dir.resolve("run"));
        assertThat(staged("run", "a", "2")).isEqualTo(dir.resolve("run-2"));
        assertThat(staged("run", "a", "3")).isEqualTo(dir.resolve("run-3"));
        assertThat(dir.resolve("run/a")).hasContent("1");
        assertThat(dir.resolve("run-2/a")).hasContent("2");
    }

    @Test
    void anUncommittedDirectoryLeavesNothing() throws Exception {
        try (StagedDirectory s = StagedDirectory.create(dir, "run")) {
            Files.createDirectories(s.path().resolve("deep/er"));
            Files.writeString(s.path().resolve("deep/er/x"), "x");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theStagingDirectoryOfADeadProcessIsDeletedByTheNextOne() throws Exception {
        long dead = SpecialFiles.deadPid();
        Path left = Files.createDirectories(dir.resolve(Leftovers.partialName("20261202-010203-t", dead, Leftovers.TAG, 4)).resolve("x"));
        Files.write(left.resolve("big"), new byte[1 << 16]);
        try (StagedDirectory s = StagedDirectory.create(dir, "run")) {
            assertThat(left.getParent()).doesNotExist();
            s.commit();
        }
    }

    @Test
    void anExistingDirectoryIsReplacedOnlyWhole() throws Exception {
        Path golden = Files.createDirectories(dir.resolve("golden"));
        Files.writeString(golden.resolve("old"), "old");
        try (StagedDirectory s = StagedDirectory.create(dir, "golden")) {
            Files.writeString(s.path().resolve("new"), "new");
            assertThatThrownBy(s::commitExactly).isInstanceOf(BadInputException.class).hasMessageContaining("already exists");
            s.commitReplacing();
        }
        try (var files = Files.list(golden)) {
            assertThat(files).containsExactly(golden.resolve("new"));
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(golden);
        }
    }

    /** The states a process killed while replacing a directory can leave, each completed by the next writer. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aReplacementCutShortIsCompletedByTheNextWriter(int movesMade) throws Exception {
        long dead = SpecialFiles.deadPid();
        Path target = Files.createDirectories(dir.resolve("golden"));
        Files.writeString(target.resolve("old"), "old");
        Path temp = Files.createDirectories(dir.resolve(Leftovers.partialName("golden", dead, Leftovers.TAG, 1)));
        Files.writeString(temp.resolve("new"), "new");
        Path aside = dir.resolve(".golden." + dead + "@" + Leftovers.TAG + ".2.replaced");
        Path journal = Files.writeString(dir.resolve(Leftovers.journalName(dead, Leftovers.TAG, 3)), temp + "\t" + target + "\t" + aside + "\n");
        if (movesMade >= 1) {
            Files.move(target, aside);
        }
        if (movesMade >= 2) {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        try (StagedDirectory next = StagedDirectory.create(dir, "other")) {
            assertThat(target.resolve("new")).hasContent("new");
            assertThat(target.resolve("old")).doesNotExist();
            assertThat(journal).doesNotExist();
            assertThat(aside).doesNotExist();
            assertThat(temp).doesNotExist();
        }
    }

    @Test
    void whatIsNoDirectoryIsRefusedByWhatItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> StagedDirectory.create(file, "run")).isInstanceOf(BadInputException.class)
                .hasMessage(file + ": is a file, not a directory for outputs");
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe"));
        assertThatThrownBy(() -> StagedDirectory.create(fifo, "run")).hasMessage(fifo + ": is a FIFO (named pipe), not a directory for outputs");
        Files.writeString(dir.resolve("golden"), "a file where the directory would go");
        try (StagedDirectory s = StagedDirectory.create(dir, "golden")) {
            assertThatThrownBy(s::commitReplacing).isInstanceOf(BadInputException.class)
                    .hasMessage(dir.resolve("golden") + ": is a file, not a directory to replace");
        }
        try (StagedDirectory s = StagedDirectory.create(dir.resolve("new/parents"), "store")) {
            assertThat(s.commitExactly()).isEqualTo(dir.resolve("new/parents/store")).isDirectory();
        }
        try (StagedDirectory s = StagedDirectory.create(dir, "fresh")) {
            assertThat(s.commitReplacing()).isEqualTo(dir.resolve("fresh")).isDirectory();
        }
    }
}
