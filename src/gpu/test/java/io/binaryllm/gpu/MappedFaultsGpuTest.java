package io.binaryllm.gpu;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.data.io.Npy;
import io.binaryllm.engine.BinaryEngine;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.seed.Seeds;
import io.binaryllm.testing.Backends;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A database file truncated while mapped, then copied to a device: the file is named, not an InternalError. */
class MappedFaultsGpuTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"opencl", "cuda"})
    void aDatabaseTruncatedWhileMappedIsNamed(String name) throws Exception {
        Path dbFile = dir.resolve("db.npy");
        try (BinaryCodeBatch db = RandomCodes.generate(new Seeds(1).stream("db"), 50_000, 256, "db")) {
            Npy.writeCodes(dbFile, false, db);
        }
        SearchBackend backend = Backends.open(name);
        try (BinaryEngine engine = BinaryEngine.builder().backend(backend).build(); BinaryCodeBatch db = Npy.readCodes(dbFile);
             BinaryCodeBatch q = RandomCodes.generate(new Seeds(1).stream("q"), 3, 256, "q")) {
            try (FileChannel ch = FileChannel.open(dbFile, StandardOpenOption.WRITE)) {
                ch.truncate(4096);
            }
            assertThatThrownBy(() -> {
                try (BinaryIndex<BinaryCodeBatch> index = engine.index(db)) {
                    index.search(q, 5);
                }
            }).isInstanceOf(BadInputException.class).hasMessageStartingWith(dbFile + ": shrank to 4096 bytes");
            assertThatThrownBy(() -> backend.search(db, q, 5)).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(dbFile + ": shrank to 4096 bytes");
        }
    }
}
