package io.binaryllm.internal.search.blocked;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.data.io.Npy;
import io.binaryllm.data.io.NpyDtype;
import io.binaryllm.data.io.NpyHeader;
import io.binaryllm.internal.search.ReferenceBackend;
import io.binaryllm.internal.vectorization.VectorizationProvider;
import io.binaryllm.search.BinaryIndex;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.search.SearchResult;
import io.binaryllm.seed.Seeds;
import io.binaryllm.testing.CodeGen;
import io.binaryllm.testing.Oracle;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class BlockedBackendTest {
    @TempDir
    Path dir;

    /** auto prefers native (C, AVX-512) over cpu (Vector API) over reference (scalar). */
    @Test
    void autoPrefersTheFasterKernels() {
        try (CpuBackend cpu = new CpuBackend(); NativeBackend nat = new NativeBackend()) {
            assertThat(cpu.autoPreference()).isGreaterThan(new ReferenceBackend().autoPreference());
            assertThat(nat.autoPreference()).isGreaterThan(cpu.autoPreference());
        }
    }

    /** The pool's threads are daemons: an application that forgets to close a backend still exits. */
    @Test
    void searchThreadsNeverKeepTheJvmAlive() {
        try (CpuBackend cpu = new CpuBackend();
             BinaryCodeBatch db = RandomCodes.generate(new Seeds(1).stream("d"), 100, 64, "d")) {
            cpu.search(db, db, 1);
            assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("binaryllm-cpu")))
                    .isNotEmpty().allMatch(Thread::isDaemon);
        }
    }

    /** A database above a quarter of the heap is searched in place rather than copied into a layout. */
    @Test
    void largeDatabasesAreIndexedInPlaceSmallOnesLaidOut() throws Exception {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        Path big = dir.resolve("big.npy");
        long rows = quarter / 8 + 1024;
        byte[] header = NpyHeader.encode(NpyDtype.U8, new long[]{rows, 1});
        Files.write(big, header);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(header.length + rows * 8); // sparse: no disk used
        }
        try (CpuBackend cpu = new CpuBackend(); BinaryCodeBatch db = Npy.readCodes(big);
             BinaryIndex<BinaryCodeBatch> index = cpu.index(db);
             BinaryCodeBatch small = RandomCodes.generate(new Seeds(1).stream("s"), 1000, 64, "s");
             BinaryIndex<BinaryCodeBatch> laid = cpu.index(small)) {
            assertThat(index.residence()).isEqualTo("in place");
            assertThat(laid.residence()).isEqualTo("in memory, re-laid in blocks: 0.0 MiB");
        }
        try (CpuBackend cpu = new CpuBackend();
             BinaryCodeBatch mib = RandomCodes.generate(new Seeds(1).stream("m"), 3 * 1024 * 1024 / 16, 128, "m");
             BinaryIndex<BinaryCodeBatch> laid = cpu.index(mib)) {
            assertThat(laid.residence()).isEqualTo("in memory, re-laid in blocks: 3.0 MiB");
        }
    }

    /**
     * Searches are not serialized: eight client threads search one backend at once (directly and through one shared
     * index; heap and counting selections; tie-heavy codes) and every answer is the oracle's.
     */
    @Test
    void concurrentSearchesEachGetTheExactAnswer() throws Exception {
        int[][] rows = CodeGen.tieHeavy(5, 3001, 97);
        int[][] queries = CodeGen.random(6, 24, 97);
        int[] ks = {1, 10, 300, 3001};
        SearchResult[] expected = new SearchResult[ks.length];
        for (int i = 0; i < ks.length; i++) {
            expected[i] = Oracle.topK(rows, queries, ks[i]);
        }
        BlockedSearch.Settings small = new BlockedSearch.Settings(2, 2048, 256, 1024);
        for (SearchBackend backend : List.<SearchBackend>of(new CpuBackend(small, VectorizationProvider.get()),
                new NativeBackend(small, -1))) {
            Assumptions.assumeTrue(backend.availability().available(), backend.availability().detail());
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try (backend; BinaryCodeBatch db = Oracle.codes(rows, 97); BinaryCodeBatch q = Oracle.codes(queries, 97);
                 BinaryIndex<BinaryCodeBatch> index = backend.index(db)) {
                List<Future<Boolean>> answers = new ArrayList<>();
                for (int c = 0; c < 64; c++) {
                    int which = c % ks.length;
                    boolean viaIndex = c % 2 == 0;
                    answers.add(clients.submit(() -> {
                        SearchResult r = viaIndex ? index.search(q, ks[which]) : backend.search(db, q, ks[which]);
                        return r.equals(expected[which]);
                    }));
                }
                for (Future<Boolean> a : answers) {
                    assertThat(a.get()).as(backend.name()).isTrue();
                }
            } finally {
                clients.shutdownNow();
            }
        }
    }

    /** -Dbinaryllm.threads sizes every CPU search; a bad value is refused naming the property. */
    @Test
    void theThreadsPropertySizesSearchesAndIsChecked() {
        String before = System.getProperty("binaryllm.threads");
        try {
            System.setProperty("binaryllm.threads", "1");
            assertThat(BlockedSearch.Settings.defaults().threads()).isEqualTo(1);
            for (String bad : new String[]{"0", "-2", "two", "5000"}) {
                System.setProperty("binaryllm.threads", bad);
                Assertions.assertThatThrownBy(BlockedSearch.Settings::defaults)
                        .isInstanceOf(BadInputException.class)
                        .hasMessage("system property binaryllm.threads must be a thread count from 1 to 4096, got '" + bad + "'");
                // A backend is still constructed (the SPI's constructors succeed everywhere); using it reports the value.
                try (CpuBackend cpu = new CpuBackend()) {
                    Assertions.assertThatThrownBy(cpu::availability)
                            .isInstanceOf(BadInputException.class).hasMessageContaining("binaryllm.threads");
                }
            }
            System.clearProperty("binaryllm.threads");
            assertThat(BlockedSearch.Settings.defaults().threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        } finally {
            if (before == null) {
                System.clearProperty("binaryllm.threads");
            } else {
                System.setProperty("binaryllm.threads", before);
            }
        }
    }
}
