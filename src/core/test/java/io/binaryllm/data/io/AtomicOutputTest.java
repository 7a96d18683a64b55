package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

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
        assertThat(Files.getPosixFilePermissions(target)).contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        if ((Integer.parseInt(new String(new ProcessBuilder("sh", "-c", "umask").start().getInputStream().readAllBytes()).strip(), 8) & 044) == 0) {
            assertThat(Files.getPosixFilePermissions(target)).contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                    java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
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
}
