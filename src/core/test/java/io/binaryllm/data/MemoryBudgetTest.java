package io.binaryllm.data;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;
import io.binaryllm.binarize.HyperplaneBinarizer;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.Test;

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
            assertThatThrownBy(() -> SearchBackend.requireValid(db, q, 200_000))
                    .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("k"))
                    .hasMessageStartingWith("the results of 1000 queries x k=200000: ").hasMessageContaining("of heap needed");
        }
    }
}
