package io.binaryllm.internal.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.io.EmbeddingFiles;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.QrelsFiles;
import io.binaryllm.data.io.VecsFiles;
import io.binaryllm.testing.SpecialFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Inputs are read only from regular files, outputs replace only regular files: what else is there is named. */
class FileKindsTest {
    @TempDir
    Path dir;

    /** Every reader of core, as the file types a user can hand it. */
    private static final List<Consumer<Path>> READERS = List.of(
            f -> Npy.readCodes(f).close(), f -> Npy.readFloats(f).close(), Npy::readHeap,
            f -> VecsFiles.readFvecs(f).close(), VecsFiles::readIvecs, QrelsFiles::read, f -> EmbeddingFiles.read(f).close());

    @Test
    void specialFilesAreDescribedByWhatTheyAre() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe"));
        Path regular = Files.writeString(dir.resolve("r.txt"), "x");
        assertThat(FileKinds.describe(fifo)).isEqualTo("a FIFO (named pipe)");
        assertThat(FileKinds.describe(Path.of("/dev/zero"))).isEqualTo("a character device");
        assertThat(FileKinds.describe(dir)).isEqualTo("a directory");
        assertThat(FileKinds.describe(regular)).isNull();
        assertThat(FileKinds.describe(dir.resolve("absent"))).isNull();
        // Links are followed: what matters is what a read would open.
        Path link = Files.createSymbolicLink(dir.resolve("zero.npy"), Path.of("/dev/zero"));
        assertThat(FileKinds.describe(link)).isEqualTo("a character device");
    }

    @Test
    void everyReaderRefusesAFifoADeviceAndADirectoryWithoutOpeningThem() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("pipe.npy"));
        Path device = Files.createSymbolicLink(dir.resolve("zero.npy"), Path.of("/dev/zero"));
        Path folder = Files.createDirectory(dir.resolve("folder.npy"));
        // A FIFO opened for reading blocks until a writer comes, /dev/zero never ends: a reader that opened either
        // would hang here, so the time limit is part of the test.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (Consumer<Path> reader : READERS) {
                assertThatThrownBy(() -> reader.accept(fifo)).isInstanceOf(BadInputException.class)
                        .hasMessage(fifo + ": is a FIFO (named pipe), not a regular file");
                assertThatThrownBy(() -> reader.accept(device)).isInstanceOf(BadInputException.class)
                        .hasMessage(device + ": is a character device, not a regular file");
                assertThatThrownBy(() -> reader.accept(folder)).isInstanceOf(BadInputException.class)
                        .hasMessage(folder + ": is a directory, not a regular file");
                assertThatThrownBy(() -> reader.accept(dir.resolve("absent.npy"))).isInstanceOf(BadInputException.class)
                        .hasMessage(dir.resolve("absent.npy") + ": no such file");
            }
        });
    }

    @Test
    void outputsNeverReplaceAFifoOrADeviceEvenWhenAskedTo() throws Exception {
        Path fifo = SpecialFiles.fifo(dir.resolve("out.npy"));
        Path device = Files.createSymbolicLink(dir.resolve("null.npy"), Path.of("/dev/null"));
        for (Path target : List.of(fifo, device)) {
            assertThatThrownBy(() -> AtomicOutput.open(target, true)).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(target + ": is a ").hasMessageEndingWith(": outputs replace only regular files");
        }
        assertThat(FileKinds.describe(fifo)).isEqualTo("a FIFO (named pipe)");
        assertThat(FileKinds.describe(Path.of("/dev/null"))).isEqualTo("a character device");
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> AtomicOutput.requireWritable(notADirectory.resolve("out.npy"), false))
                .hasMessage(notADirectory.resolve("out.npy") + ": " + notADirectory + " is a file, not a directory");
    }

    @Test
    void sizesAreBounded() throws Exception {
        Path big = Files.write(dir.resolve("c.yaml"), new byte[11]);
        assertThatThrownBy(() -> FileKinds.requireRegularFile(big, 10, "a config")).isInstanceOf(BadInputException.class)
                .hasMessage(big + ": is 11 bytes; a config is at most 10");
        FileKinds.requireRegularFile(big, 11, "a config");
    }

    @Test
    void failuresAreExplainedByTheSystemsReason() {
        assertThat(FileKinds.reason(new FileSystemException("/x", null, "No space left on device"))).isEqualTo("No space left on device");
        assertThat(FileKinds.reason(new NoSuchFileException("/x"))).isEqualTo("no such file");
        assertThat(FileKinds.reason(new IOException())).isEqualTo("IOException");
        assertThat(FileKinds.reason(new IOException("I/O error writing PNG file!", new IOException("No space left on device"))))
                .isEqualTo("No space left on device");
        assertThat(FileKinds.explain(new FileSystemException("/x/y", null, "Read-only file system"))).isEqualTo("/x/y: Read-only file system");
        assertThat(FileKinds.explain(new IOException("broken pipe"))).isEqualTo("I/O failure: broken pipe");
    }
}
