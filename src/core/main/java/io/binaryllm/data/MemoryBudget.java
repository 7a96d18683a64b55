package io.binaryllm.data;

import io.binaryllm.BadArgumentException;
import io.binaryllm.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Allocations checked before they start. A size that comes from a file header or an option can ask for more memory
 * than the machine has; allocating it anyway ends, seconds later, in an {@link OutOfMemoryError} or the kernel's
 * OOM killer. Sizes are multiplied here with saturation ({@link #bytes}), so an overflowing product is simply "more
 * than any machine has", and compared with what is available:
 * <ul>
 *   <li>heap arrays: the JVM's maximum heap ({@code -Xmx}), a bound that no collection can raise;</li>
 *   <li>off-heap memory (the batches' segments): what the operating system says is available (Linux
 *       {@code MemAvailable}, bounded by the cgroup's limit in a container), for allocations of 64 MiB and more;
 *       where the system cannot say, nothing is refused up front.</li>
 * </ul>
 */
public final class MemoryBudget {
    private static final List<Path> CGROUP_LIMIT = List.of(Path.of("/sys/fs/cgroup/memory.max"),
            Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    private static final List<Path> CGROUP_USAGE = List.of(Path.of("/sys/fs/cgroup/memory.current"),
            Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"));

    /**
     * Below this an off-heap allocation is not checked: the system's numbers cost file reads (a store's every query
     * allocates a few bytes), and an allocation this small either succeeds or the machine is already failing.
     */
    static final long UNCHECKED_OFF_HEAP = 64L << 20;

    private MemoryBudget() {
    }

    /** The product of {@code factors} (sizes, counts, element bytes), or {@link Long#MAX_VALUE} when it overflows. */
    public static long bytes(long... factors) {
        long product = 1;
        for (long f : factors) {
            if (f < 0) {
                throw new IllegalArgumentException("negative size factor " + f);
            }
            if (f == 0) {
                return 0;
            }
            product = product > Long.MAX_VALUE / f ? Long.MAX_VALUE : product * f;
        }
        return product;
    }

    /** The sum of {@code sizes}, or {@link Long#MAX_VALUE} when it overflows. */
    public static long sum(long... sizes) {
        long total = 0;
        for (long s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("negative size " + s);
            }
            total = total > Long.MAX_VALUE - s ? Long.MAX_VALUE : total + s;
        }
        return total;
    }

    /** Why {@code bytes} of heap cannot be allocated ("8.0 GiB of heap needed, the JVM may use at most 6.0 GiB ..."), if so. */
    public static Optional<String> heapShortfall(long bytes) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes <= max) {
            return Optional.empty();
        }
        return Optional.of(size(bytes) + " of heap needed, the JVM may use at most " + size(max)
                + " (raise the JVM's -Xmx, e.g. -Xmx" + Math.max(1, (bytes >> 30) + 2) + "g)");
    }

    /** What to do when the heap ran out: how large it may grow, and how to raise that. */
    public static String heapAdvice() {
        return "the JVM may use at most " + size(Runtime.getRuntime().maxMemory())
                + " of heap; give it more (the JVM's -Xmx) or less data";
    }

    /** Why {@code bytes} of off-heap memory cannot be allocated ("89.4 GiB of memory needed, 21.0 GiB available"), if so. */
    public static Optional<String> offHeapShortfall(long bytes) {
        if (bytes < UNCHECKED_OFF_HEAP) {
            return Optional.empty();
        }
        long available = offHeapAvailable();
        if (bytes <= available) {
            return Optional.empty();
        }
        return Optional.of(size(bytes) + " of memory needed, " + size(available) + " available");
    }

    /** Refuses a heap allocation of {@code bytes} for {@code what}, read from {@code source} (a file). */
    public static void requireHeap(long bytes, Object source, String what) {
        heapShortfall(bytes).ifPresent(p -> {
            throw BadInputException.in(source, what + ": " + p);
        });
    }

    /** Refuses an off-heap allocation of {@code bytes} for {@code what}, read from {@code source} (a file). */
    public static void requireOffHeap(long bytes, Object source, String what) {
        offHeapShortfall(bytes).ifPresent(p -> {
            throw BadInputException.in(source, what + ": " + p);
        });
    }

    /** Refuses an off-heap allocation of {@code bytes} that the call's {@code argument} asked for. */
    public static void requireOffHeapFor(String argument, long bytes, String what) {
        offHeapShortfall(bytes).ifPresent(p -> {
            throw new BadArgumentException(argument, what + ": " + p);
        });
    }

    /** Refuses a heap allocation of {@code bytes} that the call's {@code argument} asked for. */
    public static void requireHeapFor(String argument, long bytes, String what) {
        heapShortfall(bytes).ifPresent(p -> {
            throw new BadArgumentException(argument, what + ": " + p);
        });
    }

    /**
     * Bytes of memory the system can give this process now: Linux's estimate of what can be allocated without
     * swapping ({@code MemAvailable}), at most the room left under the cgroup's limit; {@link Long#MAX_VALUE} where
     * neither is known.
     */
    public static long offHeapAvailable() {
        return offHeapAvailable(Path.of("/proc/meminfo"), CGROUP_LIMIT, CGROUP_USAGE);
    }

    /** {@link #offHeapAvailable()} from the given files (a cgroup v1 "unlimited" is a huge number, v2's is "max"). */
    static long offHeapAvailable(Path meminfo, List<Path> limits, List<Path> usages) {
        long available = meminfoAvailable(meminfo);
        long limit = firstNumber(limits);
        long usage = firstNumber(usages);
        if (limit > 0 && usage >= 0 && limit < Long.MAX_VALUE / 2) {
            available = Math.min(available, Math.max(0, limit - usage));
        }
        return available;
    }

    private static long meminfoAvailable(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.substring("MemAvailable:".length()).strip().split("\\s+");
                    return Long.parseLong(f[0]) * (f.length > 1 && f[1].equalsIgnoreCase("kB") ? 1024 : 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: unknown
        }
        return Long.MAX_VALUE;
    }

    /** The number in the first of {@code files} that holds one ("max" and absent files are -1). */
    private static long firstNumber(List<Path> files) {
        for (Path f : files) {
            try {
                return Long.parseLong(Files.readString(f).strip());
            } catch (IOException | RuntimeException e) {
                // next
            }
        }
        return -1;
    }

    /** {@code bytes} for a person: "512 bytes", "3.0 MiB", "89.4 GiB", "more than 8 EiB". */
    public static String size(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
