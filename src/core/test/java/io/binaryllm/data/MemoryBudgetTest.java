package io.binaryllm.data;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Sizes from files and options are multiplied without overflow and refused, naming the size, before allocation. */
class MemoryBudgetTest {
    @Test
    void sizesSaturateInsteadOfOverflowing() {
        assertThat(MemoryBudget.bytes(3, 4, 5)).isEqualTo(60);
        assertThat(MemoryBudget.bytes(1L << 40, 1L << 40)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryBudget.bytes(0, Long.MAX_VALUE, Long.MAX_VALUE)).isZero();
        assertThat(MemoryBudget.bytes(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryBudget.sum(Long.MAX_VALUE - 1, 2)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryBudget.sum(1, 2, 3)).isEqualTo(6);
        assertThatThrownBy(() -> MemoryBudget.bytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryBudget.sum(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizesReadAsAPersonWritesThem() {
        assertThat(MemoryBudget.size(512)).isEqualTo("512 bytes");
        assertThat(MemoryBudget.size(1024)).isEqualTo("1.0 KiB");
        assertThat(MemoryBudget.size(96L * 1024 * 1024 * 1024)).isEqualTo("96.0 GiB");
        assertThat(MemoryBudget.size(Long.MAX_VALUE)).isEqualTo("more than 8 EiB");
    }

    @Test
    void shortfallsSayWhatIsNeededAndWhatThereIs() {
        assertThat(MemoryBudget.heapShortfall(1)).isEmpty();
        assertThat(MemoryBudget.heapShortfall(Long.MAX_VALUE)).get().asString()
                .startsWith("more than 8 EiB of heap needed, the JVM may use at most ").contains("-Xmx");
        assumeTrue(MemoryBudget.offHeapAvailable() < Long.MAX_VALUE, "this system does not say how much memory is available");
        assertThat(MemoryBudget.offHeapShortfall(1)).isEmpty();
        assertThat(MemoryBudget.offHeapShortfall(Long.MAX_VALUE)).get().asString()
                .startsWith("more than 8 EiB of memory needed, ").endsWith(" available");
    }

    @Test
    void batchesTheMachineCannotHoldAreRefusedNamingTheirSource() {
        assumeTrue(MemoryBudget.offHeapAvailable() < 1L << 50, "this system does not say how much memory is available");
        assertThatThrownBy(() -> BinaryCodeBatch.allocate(1L << 40, 1024, "huge.npy")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("huge.npy: 1099511627776 codes of 1024 bits: ").hasMessageContaining(" of memory needed");
        assertThatThrownBy(() -> FloatEmbeddingBatch.allocate(1L << 40, 384, "x.fvecs")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("x.fvecs: 1099511627776 x 384 float32 values: ");
        assertThatThrownBy(() -> BinaryCodeBatch.allocate(-1, 64, "n")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> FloatEmbeddingBatch.allocate(1, 0, "d")).isInstanceOf(BadInputException.class);
    }

    @Test
    void aProjectionNoArrayOrHeapHoldsIsRefusedNamingBits() {
        try (FloatEmbeddingBatch x = FloatEmbeddingBatch.of(new float[][]{new float[70]})) {
            assertThatThrownBy(() -> new HyperplaneBinarizer(2_000_000_000, new Seeds(1)).binarize(x))
                    .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("bits"))
                    .hasMessageContaining("more than one array holds");
            assertThatThrownBy(() -> new HyperplaneBinarizer(Integer.MAX_VALUE, new Seeds(1)).binarize(x))
                    .isInstanceOf(BadArgumentException.class);
            // 20 million x 70 fits an array, but not twice (projection and its transpose) in this JVM's heap.
            assumeTrue(Runtime.getRuntime().maxMemory() < 11L << 30, "the heap could hold an 11 GiB projection");
            assertThatThrownBy(() -> new HyperplaneBinarizer(20_000_000, new Seeds(1)).binarize(x))
                    .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("bits"))
                    .hasMessageContaining("of heap needed");
        }
    }

    @Test
    void resultsTheHeapCannotHoldAreRefusedNamingK() {
        assumeTrue(Runtime.getRuntime().maxMemory() < 2_400_000_000L, "the heap could hold 2.4 GB of results");
        try (BinaryCodeBatch db = BinaryCodeBatch.allocate(200_000, 64, "db"); BinaryCodeBatch q = BinaryCodeBatch.allocate(1_000, 64, "q")) {
            assertThatThrownBy(() -> db.requireSearchable(q, 200_000))
                    .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("k"))
                    .hasMessageStartingWith("the results of 1000 queries x k=200000: ").hasMessageContaining("of heap needed");
        }
    }

    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void availableMemoryIsTheSystemsEstimateCappedByTheCgroupsRoom() throws Exception {
        var meminfo = file("meminfo", "MemTotal:       2000 kB\nMemFree:  10 kB\nMemAvailable:   1000 kB\n");
        var absent = dir.resolve("absent");
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(absent), List.of(absent))).isEqualTo(1_024_000);
        assertThat(MemoryBudget.offHeapAvailable(file("bytes", "MemAvailable: 777\n"), List.of(), List.of())).isEqualTo(777);
        // v2: a limit and the usage under it leave less than the machine has
        var limit = file("memory.max", "2000000\n");
        var usage = file("memory.current", "1500000\n");
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(limit), List.of(usage))).isEqualTo(500_000);
        // the first readable file of each list counts: v2's, then v1's
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(absent, limit), List.of(absent, usage))).isEqualTo(500_000);
        // over the limit: nothing
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(limit), List.of(file("high", "3000000")))).isZero();
        // a limit above what the machine has left does not raise it
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(file("big", "900000000")), List.of(usage))).isEqualTo(1_024_000);
        // "max" (v2) and v1's huge "unlimited" are no limit
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(file("max", "max\n")), List.of(usage))).isEqualTo(1_024_000);
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(file("v1", "9223372036854771712")), List.of(usage))).isEqualTo(1_024_000);
        // a zero limit is no number to trust; an exact one is
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(file("zero", "0")), List.of(usage))).isEqualTo(1_024_000);
        assertThat(MemoryBudget.offHeapAvailable(meminfo, List.of(file("one", "1")), List.of(file("none", "0")))).isEqualTo(1);
        // no meminfo, or none that says: unknown
        assertThat(MemoryBudget.offHeapAvailable(absent, List.of(), List.of())).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryBudget.offHeapAvailable(file("other", "MemTotal: 5 kB\n"), List.of(), List.of())).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shortfallsStartExactlyBeyondTheLimit() {
        long max = Runtime.getRuntime().maxMemory();
        assertThat(MemoryBudget.heapShortfall(max)).isEmpty();
        assertThat(MemoryBudget.heapShortfall(max + 1)).get().asString()
                .startsWith(MemoryBudget.size(max + 1) + " of heap needed, the JVM may use at most " + MemoryBudget.size(max))
                .endsWith("(raise the JVM's -Xmx, e.g. -Xmx" + ((max + 1 >> 30) + 2) + "g)");
        assertThat(MemoryBudget.heapShortfall(Long.MAX_VALUE)).get().asString().contains("-Xmx8589934593g");
        assertThat(MemoryBudget.heapAdvice()).isEqualTo("the JVM may use at most " + MemoryBudget.size(max)
                + " of heap; give it more (the JVM's -Xmx) or less data");
        // small off-heap allocations are not checked at all
        assertThat(MemoryBudget.offHeapShortfall(MemoryBudget.UNCHECKED_OFF_HEAP - 1)).isEmpty();
        assumeTrue(MemoryBudget.offHeapAvailable() < Long.MAX_VALUE, "this system does not say how much memory is available");
        long available = MemoryBudget.offHeapAvailable();
        assertThat(MemoryBudget.offHeapShortfall(available * 4 + MemoryBudget.UNCHECKED_OFF_HEAP)).isPresent();
        assertThatThrownBy(() -> MemoryBudget.requireOffHeap(Long.MAX_VALUE, "f.npy", "it")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("f.npy: it: more than 8 EiB of memory needed, ");
        assertThatThrownBy(() -> MemoryBudget.requireOffHeapFor("n", Long.MAX_VALUE, "it"))
                .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("n"))
                .hasMessageStartingWith("it: more than 8 EiB of memory needed, ");
        assertThatThrownBy(() -> MemoryBudget.requireHeap(Long.MAX_VALUE, "f.npy", "it")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("f.npy: it: more than 8 EiB of heap needed");
        MemoryBudget.requireHeap(1, "f.npy", "it");
        MemoryBudget.requireOffHeap(1, "f.npy", "it");
        MemoryBudget.requireHeapFor("k", 1, "it");
        MemoryBudget.requireOffHeapFor("k", 1, "it");
    }

    @Test
    void sizesAndSumsAtTheirBoundaries() {
        assertThat(MemoryBudget.size(0)).isEqualTo("0 bytes");
        assertThat(MemoryBudget.size(1023)).isEqualTo("1023 bytes");
        assertThat(MemoryBudget.size(1536)).isEqualTo("1.5 KiB");
        assertThat(MemoryBudget.size(1024L * 1024 - 1)).isEqualTo("1024.0 KiB");
        assertThat(MemoryBudget.size(1024L * 1024)).isEqualTo("1.0 MiB");
        assertThat(MemoryBudget.size(Long.MAX_VALUE - 1)).isEqualTo("8.0 EiB");
        assertThat(MemoryBudget.sum(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryBudget.sum(Long.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(MemoryBudget.sum()).isZero();
        assertThat(MemoryBudget.sum(0)).isZero();
        assertThat(MemoryBudget.bytes()).isEqualTo(1);
        assertThat(MemoryBudget.bytes(Long.MAX_VALUE / 2, 2)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(MemoryBudget.bytes(Long.MAX_VALUE / 2 + 1, 2)).isEqualTo(Long.MAX_VALUE);
    }
}
