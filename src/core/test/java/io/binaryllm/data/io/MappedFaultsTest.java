package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.seed.Seeds;
import io.binaryllm.testing.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A mapped input that another process truncates mid-use: the next touch of a lost page is SIGBUS, which the JVM
 * reports as an InternalError in whichever thread touched it. Every backend's search and index name the file
 * instead.
 */
class MappedFaultsTest {
    @TempDir
    Path dir;

    private static void truncate(Path file, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu", "native"})
    void aDatabaseTruncatedWhileMappedIsNamedByEveryBackend(String name) throws Exception {
        Path dbFile = dir.resolve("db.npy");
        Path qFile = dir.resolve("q.npy");
        try (BinaryCodeBatch db = RandomCodes.generate(new Seeds(1).stream("db"), 50_000, 256, "db");
             BinaryCodeBatch q = RandomCodes.generate(new Seeds(1).stream("q"), 7, 256, "q")) {
            Npy.writeCodes(dbFile, false, db);
            Npy.writeCodes(qFile, false, q);
        }
        SearchBackend backend = Backends.open(name);
        try (BinaryEngine engine = BinaryEngine.builder().backend(backend).build();
             BinaryCodeBatch db = Npy.readCodes(dbFile); BinaryCodeBatch q = Npy.readCodes(qFile)) {
            truncate(dbFile, 4096);
            assertThatThrownBy(() -> {
                try (BinaryIndex<BinaryCodeBatch> index = engine.index(db)) {
                    index.search(q, 5);
                }
            }).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(dbFile + ": shrank to 4096 bytes (its header needs ")
                    .hasMessageEndingWith(") while it was being read (another process truncated or rewrote it)");
            assertThatThrownBy(() -> backend.search(db, q, 5)).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(dbFile + ": shrank to 4096 bytes");
        }
    }

    @Test
    void onlyFaultsOfMappedMemoryAreExplained() {
        InternalError fault = new InternalError("a fault occurred in an unsafe memory access operation");
        assertThat(MappedFaults.isMappedFault(new RuntimeException(fault))).isTrue();
        assertThat(MappedFaults.explain(fault, "<memory>")).isInstanceOf(BadInputException.class)
                .hasMessage("an input file: a memory-mapped input shrank while it was being read (another process truncated or rewrote it)");
        InternalError other = new InternalError("something else");
        assertThat(MappedFaults.isMappedFault(other)).isFalse();
        assertThatThrownBy(() -> MappedFaults.explain(other, "x.npy")).isSameAs(other);
    }

    @Test
    void theFileThatChangedIsNamedWithHowItChanged() throws Exception {
        InternalError fault = new InternalError("a fault occurred in an unsafe memory access operation");
        Path whole = dir.resolve("whole.npy");
        Npy.write(whole, false, NpyDtype.U8, Npy.le(new long[]{1, 2, 3, 4}), 2, 2);
        Path cut = Files.copy(whole, dir.resolve("cut.npy"));
        truncate(cut, 140);
        Path headless = Files.copy(whole, dir.resolve("headless.npy"));
        truncate(headless, 5);
        Path vecs = Files.writeString(dir.resolve("x.fvecs"), "x");
        // the first candidate that no longer holds its data is named; intact ones and other formats are passed over
        assertThat(MappedFaults.explain(fault, whole.toString(), cut.toString())).hasMessage(cut
                + ": shrank to 140 bytes (its header needs 160) while it was being read (another process truncated or rewrote it)");
        assertThat(MappedFaults.explain(fault, headless.toString())).hasMessageStartingWith(headless + ": shrank to 5 bytes while");
        assertThat(MappedFaults.explain(fault, dir.resolve("gone.npy").toString())).hasMessageStartingWith(dir.resolve("gone.npy") + ": was deleted or renamed while");
        assertThat(MappedFaults.explain(fault, whole.toString(), vecs.toString(), null)).hasMessage(whole + " or " + vecs
                + ": a memory-mapped input shrank while it was being read (another process truncated or rewrote it)");
        assertThat(MappedFaults.explain(fault).getCause()).isSameAs(fault);
    }
}
