package io.binaryllm.langchain4j.internal;

import io.binaryllm.BadInputException;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Float vectors in a memory-mapped scratch file, appended row by row: the store's float copies stay out of the
 * Java heap (the page cache holds the hot ones) while the codes it searches stay small. The file grows by doubling.
 *
 * <p>The file's name is removed from its directory as soon as it is open: the open channel and the mappings keep the
 * data, and the operating system frees it when the process lets go, so no scratch file outlives its store, whether the
 * store is closed, forgotten (langchain4j stores usually are) or its process killed. Where an open file cannot be
 * deleted (Windows), the name stays until {@link #close} or the JVM's exit.
 */
public final class MappedFloatRows implements AutoCloseable {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final FileChannel channel;
    /** Whether the name is still in the directory (only where an open file cannot be deleted). */
    private final boolean named;
    private final int dims;
    private Arena arena;
    private MemorySegment mapped;
    private long capacity;
    private long rows;

    public MappedFloatRows(Path directory, int dims) {
        this.dims = dims;
        try {
            this.file = Files.createTempFile(directory, "binaryllm-store-", ".f32");
            this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw BadInputException.in(directory, "cannot create the store's vector file: " + FileKinds.reason(e));
        }
        this.named = !unlink(file);
    }

    /** Removes the open file's name; false where the platform refuses to (the file is then deleted on close or exit). */
    private static boolean unlink(Path file) {
        try {
            Files.delete(file);
            return true;
        } catch (IOException e) {
            file.toFile().deleteOnExit();
            return false;
        }
    }

    public Path file() {
        return file;
    }

    public int dims() {
        return dims;
    }

    public long rows() {
        return rows;
    }

    /**
     * Makes room for {@code more} rows beyond those held, growing the file now: a caller that must not change half
     * of its state (a batch of adds) asks first, and then no append of those rows can fail.
     */
    public void reserve(long more) {
        long needed = Math.addExact(rows, more);
        if (needed > capacity) {
            grow(Math.max(needed, Math.max(firstRows(), 2 * capacity)));
        }
    }

    /** The first growth: 64 rows, or as many as fit 1 MiB where rows are wide (a row of 2 GB is not taken 64 times). */
    private long firstRows() {
        return Math.max(1, Math.min(64, (1L << 20) / ((long) dims * Float.BYTES)));
    }

    /**
     * Bytes of scratch space that {@code rows} vectors of {@code dims} floats need, or -1 when that is beyond any
     * file ({@code Long.MAX_VALUE}).
     */
    public static long bytesFor(long rows, int dims) {
        try {
            return Math.multiplyExact(Math.multiplyExact(rows, (long) dims), (long) Float.BYTES);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    /** The bytes the file system of {@code directory} can still give this process, or Long.MAX_VALUE if it cannot say. */
    public static long usableSpace(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE; // a missing or unreadable directory: creating the file there reports what is wrong
        }
    }

    /** Appends a row and returns its number. */
    public long append(float[] v) {
        if (v.length != dims) {
            throw new IllegalArgumentException("expected " + dims + " dimensions, got " + v.length);
        }
        if (rows == capacity) {
            grow(Math.max(firstRows(), 2 * capacity));
        }
        MemorySegment.copy(v, 0, mapped, F32, rows * dims * 4L, dims);
        return rows++;
    }

    public float[] row(long row) {
        float[] v = new float[dims];
        MemorySegment.copy(mapped, F32, row * dims * 4L, v, 0, dims);
        return v;
    }

    /** Forgets every row (the file keeps its size for the next ones). */
    public void clear() {
        rows = 0;
    }

    /**
     * Extends the file by writing zeros, then maps it. Mapping alone would extend it sparse, and a page first written
     * on a full disk then faults (SIGBUS, an InternalError the JVM may raise frames away from the write); a written
     * extension fails here instead, as a plain "No space left on device".
     */
    private void grow(long newCapacity) {
        long newBytes = bytesFor(newCapacity, dims);
        if (newBytes < 0) {
            throw BadInputException.in(file.getParent(), newCapacity + " vectors of " + dims + " floats are more than a file holds");
        }
        try {
            long more = newBytes - channel.size();
            long usable = usableSpace(file.getParent());
            if (more > usable) { // refused before writing: filling the disk would starve every other writer on it
                throw BadInputException.in(file.getParent(), "the store's scratch file needs " + MemoryBudget.size(more)
                        + " more to hold " + newCapacity + " vectors of " + dims + " floats, " + MemoryBudget.size(usable)
                        + " are free here");
            }
            ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
            for (long at = channel.size(); at < newBytes; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), newBytes - at));
                at += channel.write(zeros, at);
            }
            Arena next = Arena.ofShared();
            MemorySegment m = channel.map(FileChannel.MapMode.READ_WRITE, 0, newBytes, next);
            if (arena != null) {
                arena.close();
            }
            arena = next;
            mapped = m;
            capacity = newCapacity;
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot grow to " + newCapacity + " vectors: " + FileKinds.reason(e));
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
        try {
            channel.close();
            if (named) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot delete: " + FileKinds.reason(e));
        }
    }
}
