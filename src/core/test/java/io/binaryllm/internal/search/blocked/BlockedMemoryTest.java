package io.binaryllm.internal.search.blocked;

import io.binaryllm.BadArgumentException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.RandomCodes;
import io.binaryllm.search.SearchBackend;
import io.binaryllm.seed.Seeds;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each search thread keeps a k-slot list per query: the blocked search refuses what all threads together cannot hold. */
class BlockedMemoryTest {
    @Test
    void resultsEveryThreadCannotHoldAreRefusedNamingK() {
        long perThread = 1_000L * 100_000 * (Long.BYTES + Integer.BYTES);
        assumeTrue(Runtime.getRuntime().maxMemory() > perThread && Runtime.getRuntime().maxMemory() < 3 * perThread,
                "the heap is not between one and three threads' lists");
        try (BinaryCodeBatch db = RandomCodes.generate(new Seeds(1).stream("db"), 100_000, 64, "db");
             BinaryCodeBatch q = RandomCodes.generate(new Seeds(1).stream("q"), 1_000, 64, "q");
             CpuBackend cpu = new CpuBackend()) {
            db.requireSearchable(q, 100_000); // one copy of the results fits
            assertThatThrownBy(() -> cpu.search(db, q, 100_000))
                    .isInstanceOfSatisfying(BadArgumentException.class, e -> assertThat(e.argument()).isEqualTo("k"))
                    .hasMessageStartingWith("1000 queries x k=100000 on " + cpu.settings().threads() + " threads: ");
        }
    }
}
