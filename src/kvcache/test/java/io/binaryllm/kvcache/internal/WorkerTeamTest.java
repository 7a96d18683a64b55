package io.binaryllm.kvcache.internal;

import io.binaryllm.BadArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoder's team: every item once, parts disjoint and grain-aligned, failures and nesting. */
class WorkerTeamTest {
    @Test
    void everyItemRunsOnceInGrainAlignedPartsWhateverTheThreadCount() {
        for (int threads : new int[]{1, 2, 3, 5}) {
            WorkerTeam team = new WorkerTeam(threads);
            for (int count : new int[]{1, 3, 4, 5, 63, 64, 65, 1001}) {
                for (int grain : new int[]{1, 4}) {
                    for (int round = 0; round < 20; round++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(count);
                        AtomicIntegerArray partOf = new AtomicIntegerArray(count);
                        team.run(count, grain, true, (part, from, to) -> {
                            assertThat(part).isBetween(0, threads - 1);
                            for (int i = from; i < to; i++) {
                                hits.incrementAndGet(i);
                                partOf.set(i, part);
                            }
                        });
                        for (int i = 0; i < count; i++) {
                            assertThat(hits.get(i)).as("threads %d count %d item %d", threads, count, i).isEqualTo(1);
                            if (i > 0 && partOf.get(i) != partOf.get(i - 1)) {
                                assertThat(i % grain).as("a part starts at a multiple of the grain").isZero();
                                assertThat(partOf.get(i)).isGreaterThan(partOf.get(i - 1));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aPartsFailureIsThrownToTheCallerAndTheTeamGoesOn() {
        WorkerTeam team = new WorkerTeam(3);
        assertThatThrownBy(() -> team.run(30, 1, true, (part, from, to) -> {
            if (part == 2) {
                throw new IllegalStateException("part two failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part two failed");
        assertRunsEveryItemOnce(team, 30, null);
    }

    @Test
    void theCallersFailureWaitsForTheHelpersParts() {
        WorkerTeam team = new WorkerTeam(3);
        AtomicInteger helpersDone = new AtomicInteger();
        assertThatThrownBy(() -> team.run(30, 1, true, (part, from, to) -> {
            if (part == 0) {
                throw new IllegalStateException("the caller's part failed");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            helpersDone.incrementAndGet();
        })).isInstanceOf(IllegalStateException.class).hasMessage("the caller's part failed");
        // The range ends when every part has: a next range must not start while helpers still run this one.
        assertThat(helpersDone.get()).isEqualTo(2);
    }

    @Test
    void aRangeInsideARangeRunsOnItsCallerAlone() {
        WorkerTeam team = new WorkerTeam(2);
        AtomicIntegerArray inner = new AtomicIntegerArray(2 * 10);
        team.run(2, 1, true, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                int outer = i;
                team.run(10, 1, true, (p, f, t) -> {
                    assertThat(p).isZero();
                    assertThat(f).isZero();
                    assertThat(t).isEqualTo(10);
                    for (int j = f; j < t; j++) {
                        inner.incrementAndGet(outer * 10 + j);
                    }
                });
            }
        });
        for (int i = 0; i < 20; i++) {
            assertThat(inner.get(i)).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a caller spinning on parts no one runs never ends
    void theCallerRunsThePartsNoHelperHasStarted() {
        WorkerTeam team = new WorkerTeam(4, false); // helpers that never run, as on a machine too busy to schedule them
        assertRunsEveryItemOnce(team, 100, Thread.currentThread());
    }

    @Test
    void partZeroRunsOnTheCallersThread() {
        WorkerTeam team = new WorkerTeam(3);
        Thread caller = Thread.currentThread();
        for (int round = 0; round < 200; round++) {
            team.run(30, 1, true, (part, from, to) -> {
                if (part == 0) {
                    assertThat(Thread.currentThread()).isSameAs(caller);
                }
            });
        }
    }

    /** One range of {@code count} items on {@code team}: each runs once, on {@code onlyOn} when it is not null. */
    private static void assertRunsEveryItemOnce(WorkerTeam team, int count, Thread onlyOn) {
        AtomicIntegerArray hits = new AtomicIntegerArray(count);
        team.run(count, 1, true, (part, from, to) -> {
            if (onlyOn != null) {
                assertThat(Thread.currentThread()).isSameAs(onlyOn);
            }
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < count; i++) {
            assertThat(hits.get(i)).as("item %d", i).isEqualTo(1);
        }
    }

    @Test
    void aTeamHasAThread() {
        assertThatThrownBy(() -> new WorkerTeam(0)).isInstanceOf(BadArgumentException.class).hasMessageContaining("at least 1 thread, got 0");
    }
}
