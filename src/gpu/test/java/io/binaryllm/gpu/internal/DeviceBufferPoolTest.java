package io.binaryllm.gpu.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Buffers by role: reused when big enough, replaced when not, and all freed on release even when some frees fail. */
class DeviceBufferPoolTest {
    @Test
    void buffersAreReusedAndReplacedByRole() {
        List<String> freed = new ArrayList<>();
        int[] made = {0};
        DeviceBufferPool<String> pool = new DeviceBufferPool<>(bytes -> "b" + made[0]++ + ":" + bytes, freed::add);
        GpuClock clock = new GpuClock();
        assertThat(pool.get("keys", 100, clock)).isEqualTo("b0:100");
        assertThat(pool.get("keys", 60, clock)).isEqualTo("b0:100");
        assertThat(pool.get("keys", 200, clock)).isEqualTo("b1:200");
        assertThat(pool.get("queries", 3, clock)).isEqualTo("b2:8");
        assertThat(freed).containsExactly("b0:100");
        assertThat(clock.snapshot().allocations()).isEqualTo(3);
    }

    @Test
    void releaseFreesEveryBufferAndKeepsEveryFailure() {
        List<String> freed = new ArrayList<>();
        DeviceBufferPool<String> pool = new DeviceBufferPool<>(bytes -> "b" + bytes, b -> {
            if (!b.equals("b8")) {
                throw new IllegalStateException(b + " not freed");
            }
            freed.add(b);
        });
        GpuClock clock = new GpuClock();
        pool.get("a", 8, clock);
        pool.get("b", 16, clock);
        pool.get("c", 24, clock);
        assertThatThrownBy(pool::release).hasMessageEndingWith("not freed")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString().endsWith("not freed"));
        assertThat(freed).containsExactly("b8");
        assertThat(pool.bytes("a")).isZero();
    }
}
