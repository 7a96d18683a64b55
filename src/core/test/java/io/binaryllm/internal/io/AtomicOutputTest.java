package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicOutputTest {
    @TempDir
    Path dir;

    @Test
    void nothingAppearsUntilCommitAndNothingStaysWithoutIt() throws Exception {
        Path target = dir.resolve("out.bin");
        try (AtomicOutput out = AtomicOutput.open(target, false)) {
            out.channel().write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            assertThat(target).doesNotExist();
        }
        assertThat(target).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        try (AtomicOutput out = AtomicOutput.open(target, false)) {
            out.channel().write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        // Permissions follow the umask like any new file (createTempFile would have made it owner-only).
        assertThat(Files.getPosixFilePermissions(target)).contains(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        if ((Integer.parseInt(new String(new ProcessBuilder("sh", "-c", "umask").start().getInputStream().readAllBytes()).strip(), 8) & 044) == 0) {
            assertThat(Files.getPosixFilePermissions(target)).contains(PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void existingFilesAreReplacedOnlyWhenAsked() throws Exception {
        Path target = dir.resolve("keep.bin");
        Files.write(target, new byte[]{9});
        assertThatThrownBy(() -> AtomicOutput.open(target, false)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(target.toString()).hasMessageContaining("already exists");
        assertThat(Files.readAllBytes(target)).containsExactly(9);
        try (AtomicOutput out = AtomicOutput.open(target, true)) {
            out.channel().write(ByteBuffer.wrap(new byte[]{7}));
            out.commit();
        }
        assertThat(Files.readAllBytes(target)).containsExactly(7);
    }

    @Test
    void missingDirectoryIsNamed() {
        Path target = dir.resolve("no/such/dir/out.npy");
        assertThatThrownBy(() -> AtomicOutput.requireWritable(target, false)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("does not exist");
    }

    private static final long PID = ProcessHandle.current().pid();

    private static void write(AtomicOutput out, String text) {
        out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void outputsThatBelongTogetherAppearTogether() throws Exception {
        Path i = dir.resolve("I.npy");
        Path d = dir.resolve("D.npy");
        try (AtomicOutput a = AtomicOutput.open(i, false); AtomicOutput b = AtomicOutput.open(d, false)) {
            write(a, "indices");
            write(b, "distances");
            assertThat(i).doesNotExist();
            assertThat(d).doesNotExist();
            AtomicOutput.commitTogether(AtomicOutput.of(a, null, b));
        }
        assertThat(i).hasContent("indices");
        assertThat(d).hasContent("distances");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(i, d); // no journal, no temporary file
        }
    }

    @Test
    void theTemporaryFilesOfDeadProcessesAreDeletedByTheNextWriterAndThoseOfLiveOnesKept() throws Exception {
        long dead = SpecialFiles.deadPid();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path deadFile = Files.write(dir.resolve(Leftovers.partialName("I.npy", dead, Leftovers.TAG, 1)), new byte[4096]);
        Path deadDir = Files.createDirectories(dir.resolve(Leftovers.partialName("20261202-run", dead, Leftovers.TAG, 2)).resolve("sub"));
        Files.writeString(deadDir.resolve("metrics.json"), "{}");
        Path mine = Files.write(dir.resolve(Leftovers.partialName("x.npy", PID, Leftovers.TAG, 99)), new byte[1]);
        Path liveParent = Files.write(dir.resolve(Leftovers.partialName("y.npy", parent, Leftovers.TAG, 1)), new byte[1]);
        Path lookalike = Files.write(dir.resolve(".notes." + dead + ".txt"), new byte[1]);
        // Another machine's or container's pids mean nothing here: its files go only when a day old.
        String elsewhere = Leftovers.TAG.equals("00000000") ? "11111111" : "00000000";
        Path foreignFresh = Files.write(dir.resolve(Leftovers.partialName("z.npy", dead, elsewhere, 1)), new byte[1]);
        Path foreignOld = Files.write(dir.resolve(Leftovers.partialName("w.npy", dead, elsewhere, 2)), new byte[1]);
        Files.setLastModifiedTime(foreignOld, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        AtomicOutput.writeBytes(dir.resolve("next.txt"), false, new byte[]{1});
        assertThat(deadFile).doesNotExist();
        assertThat(deadDir.getParent()).doesNotExist();
        assertThat(mine).exists();
        assertThat(liveParent).exists();
        assertThat(lookalike).exists();
        assertThat(foreignFresh).exists();
        assertThat(foreignOld).doesNotExist();
    }

    /**
     * The states a process killed inside {@link AtomicOutput#commitTogether} can leave (journal written; first file
     * moved; both moved), each completed by the next writer in the directory: the pair is then all new.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aCommitCutShortIsCompletedByTheNextWriter(int movesMade) throws Exception {
        long dead = SpecialFiles.deadPid();
        Path i = Files.writeString(dir.resolve("I.npy"), "old I");
        Path d = Files.writeString(dir.resolve("D.npy"), "old D");
        Path tempI = Files.writeString(dir.resolve(Leftovers.partialName("I.npy", dead, Leftovers.TAG, 1)), "new I");
        Path tempD = Files.writeString(dir.resolve(Leftovers.partialName("D.npy", dead, Leftovers.TAG, 2)), "new D");
        Path journal = Files.writeString(dir.resolve(Leftovers.journalName(dead, Leftovers.TAG, 3)),
                tempI + "\t" + i + "\n" + tempD + "\t" + d + "\n");
        if (movesMade >= 1) {
            Files.move(tempI, i, StandardCopyOption.REPLACE_EXISTING);
        }
        if (movesMade >= 2) {
            Files.move(tempD, d, StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicOutput.writeBytes(dir.resolve("other.txt"), false, new byte[]{1});
        assertThat(i).hasContent("new I");
        assertThat(d).hasContent("new D");
        assertThat(journal).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(i, d, dir.resolve("other.txt"));
        }
    }

    @Test
    void aFullDiskIsBadInputWithTheSystemsReasonAndLeavesNothing() throws Exception {
        Path small = dir.resolve("small");
        try (AutoCloseable disk = SpecialFiles.tinyDisk(small, 64)) {
            Path target = small.resolve("codes.npy");
            long[] words = new long[64 * 1024];
            assertThatThrownBy(() -> Npy.write(target, false, NpyDtype.U8, MemorySegment.ofArray(words), words.length / 4, 4))
                    .isInstanceOf(BadInputException.class).hasMessage(target + ": cannot write: No space left on device");
            try (var files = Files.list(small)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aTargetThatAppearsWhileWritingIsNotReplacedUnasked() throws Exception {
        Path target = dir.resolve("late.txt");
        try (AtomicOutput out = AtomicOutput.open(target, false)) {
            assertThat(out.target()).isEqualTo(target);
            write(out, "mine");
            Files.writeString(target, "theirs");
            assertThatThrownBy(out::commit).isInstanceOf(BadInputException.class).hasMessageContaining("already exists");
        }
        assertThat(target).hasContent("theirs");
        AtomicOutput.writeBytes(dir.resolve("w.txt"), false, "whole".getBytes(StandardCharsets.UTF_8));
        assertThat(dir.resolve("w.txt")).hasContent("whole");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(target, dir.resolve("w.txt"));
        }
    }

    @Test
    void aNoReplaceMoveOntoAnExistingNameFailsAndLeavesItAlone() throws Exception {
        // The step after the last check: another process's file appeared between check and move.
        Path target = Files.writeString(dir.resolve("codes.npy"), "theirs");
        Path temp = Files.writeString(dir.resolve(Leftovers.partialName("codes.npy", 1)), "mine");
        assertThatThrownBy(() -> Leftovers.commit(List.of(new Leftovers.Move(temp, target, null, false))))
                .isInstanceOf(BadInputException.class).hasMessage(target + ": already exists, and overwriting it was not asked for");
        assertThat(target).hasContent("theirs");
        assertThat(temp).hasContent("mine"); // the caller's to delete (AtomicOutput.close does)
    }

    @Test
    void outputsThatBelongTogetherAreAllNewOrNoneWhenOneNameIsTaken() throws Exception {
        Path i = dir.resolve("I.npy");
        Path d = Files.writeString(dir.resolve("D.npy"), "theirs");
        Path tempI = Files.writeString(dir.resolve(Leftovers.partialName("I.npy", 1)), "indices");
        Path tempD = Files.writeString(dir.resolve(Leftovers.partialName("D.npy", 2)), "distances");
        assertThatThrownBy(() -> Leftovers.commit(List.of(new Leftovers.Move(tempI, i, null, false),
                new Leftovers.Move(tempD, d, null, false)))).isInstanceOf(BadInputException.class).hasMessageStartingWith(d.toString());
        assertThat(i).doesNotExist();
        assertThat(d).hasContent("theirs");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactlyInAnyOrder(d, tempI, tempD); // no journal left
        }
    }

    @Test
    void ofWritersRacingForOneNewNameExactlyOneWinsAndTheOthersAreTold() throws Exception {
        int writers = 4;
        for (int round = 0; round < 25; round++) {
            Path target = dir.resolve("race-" + round + ".txt");
            CyclicBarrier start = new CyclicBarrier(writers);
            List<Future<Boolean>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
                for (int w = 0; w < writers; w++) {
                    String mine = "writer " + w;
                    results.add(pool.submit(() -> {
                        try (AtomicOutput out = AtomicOutput.open(target, false)) {
                            write(out, mine);
                            start.await();
                            out.commit();
                            return true;
                        } catch (BadInputException e) {
                            assertThat(e).hasMessageContaining("already exists");
                            return false;
                        }
                    }));
                }
            }
            int won = 0;
            for (Future<Boolean> r : results) {
                won += r.get() ? 1 : 0;
            }
            assertThat(won).as("round %d", round).isEqualTo(1);
            assertThat(Files.readString(target)).startsWith("writer ");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).allMatch(p -> p.getFileName().toString().startsWith("race-")); // no temporary file stays
        }
    }

    @Test
    void aNameOfTheFileSystemsFullLengthIsWrittenAndReplaced() throws Exception {
        // The temporary name adds an owner and a sequence: cut, so the output's own name may use all 255 bytes.
        for (String name : List.of("n".repeat(251) + ".npy", "\u00e9".repeat(125) + ".npy")) {
            Path target = dir.resolve(name);
            AtomicOutput.writeBytes(target, false, new byte[]{1});
            AtomicOutput.writeBytes(target, true, new byte[]{2});
            assertThat(Files.readAllBytes(target)).containsExactly(2);
            assertThat(Leftovers.partialName(name, 7).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        }
        try (StagedDirectory staged = StagedDirectory.create(dir, "d".repeat(255))) {
            assertThat(staged.commitExactly()).isDirectory();
        }
    }
}
