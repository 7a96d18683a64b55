package io.binaryllm.data;

import io.binaryllm.BadInputException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * An n x d matrix of float32 embeddings, row-major, little-endian, in one {@link MemorySegment}: on the heap for
 * small batches, off-heap or memory-mapped for large ones. Row counts are 64-bit; the dimension is an int because a
 * single embedding never has 2^31 components.
 *
 * <p>The batch owns the arena its memory came from (if any) and frees it on {@link #close()}.
 */
public final class FloatEmbeddingBatch implements AutoCloseable {
    /** Unaligned because an {@code .npy} header may leave the data at any offset in a mapped file. */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final long rows;
    private final int dims;
    private final String source;
    private final Arena owner;

    private FloatEmbeddingBatch(MemorySegment data, long rows, int dims, String source, Arena owner) {
        if (rows < 0 || dims < 1) {
            throw BadInputException.in(source, "a float batch needs rows >= 0 and dims >= 1, got " + rows + " x " + dims);
        }
        if (data.byteSize() != Math.multiplyExact(Math.multiplyExact(rows, (long) dims), Float.BYTES)) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes is not " + rows + " x " + dims + " floats");
        }
        this.data = data;
        this.rows = rows;
        this.dims = dims;
        this.source = source;
        this.owner = owner;
    }

    /** Wraps memory laid out as this class describes; {@code owner} (nullable) is closed with the batch. */
    public static FloatEmbeddingBatch wrap(MemorySegment data, long rows, int dims, String source, Arena owner) {
        return new FloatEmbeddingBatch(data, rows, dims, source, owner);
    }

    /** A heap copy of {@code rows}, which must all have the same length. */
    public static FloatEmbeddingBatch of(float[][] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("use wrap() for an empty batch: the dimension is unknown");
        }
        int d = values[0].length;
        float[] flat = new float[Math.multiplyExact(values.length, d)];
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + values[i].length + " values, row 0 has " + d);
            }
            System.arraycopy(values[i], 0, flat, i * d, d);
        }
        return ofFlat(flat, values.length, d, "<memory>");
    }

    /** A heap batch over a row-major array (not copied). */
    public static FloatEmbeddingBatch ofFlat(float[] flat, long rows, int dims, String source) {
        return new FloatEmbeddingBatch(MemorySegment.ofArray(flat), rows, dims, source, null);
    }

    /**
     * An off-heap, zeroed batch the caller fills through {@link #set}; refused before anything is allocated when the
     * machine does not have the memory (the message names {@code source}).
     */
    public static FloatEmbeddingBatch allocate(long rows, int dims, String source) {
        if (rows < 0 || dims < 1) {
            throw BadInputException.in(source, "a float batch needs rows >= 0 and dims >= 1, got " + rows + " x " + dims);
        }
        long bytes = MemoryBudget.bytes(rows, dims, Float.BYTES);
        MemoryBudget.requireOffHeap(bytes, source, rows + " x " + dims + " float32 values");
        Arena arena = Arena.ofShared();
        return new FloatEmbeddingBatch(arena.allocate(Math.max(bytes, 1), Float.BYTES).asSlice(0, bytes), rows, dims, source, arena);
    }

    public long rows() {
        return rows;
    }

    public int dims() {
        return dims;
    }

    /** Where the values came from (a file name or {@code <memory>}); error messages start with it. */
    public String source() {
        return source;
    }

    public MemorySegment segment() {
        return data;
    }

    public float get(long row, int col) {
        return data.getAtIndex(F32, row * dims + col);
    }

    public void set(long row, int col, float value) {
        data.setAtIndex(F32, row * dims + col, value);
    }

    /** Copies row {@code row} into {@code dst[0..dims)}. */
    public void copyRow(long row, float[] dst) {
        MemorySegment.copy(data, F32, row * dims * Float.BYTES, dst, 0, dims);
    }

    public float[] row(long row) {
        float[] out = new float[dims];
        copyRow(row, out);
        return out;
    }

    /**
     * Every value in one heap array, row-major (the float baselines scan it many times). Refused, naming the source,
     * when the values exceed one Java array (2^31) or the heap.
     */
    public float[] toArray() {
        long values = rows * dims;
        if (values > Integer.MAX_VALUE - 8) {
            throw BadInputException.in(source, rows + " x " + dims + " values are more than one heap array holds (2^31)");
        }
        MemoryBudget.requireHeap(MemoryBudget.bytes(values, Float.BYTES), source, "a heap copy of " + rows + " x " + dims + " floats");
        float[] out = new float[(int) values];
        MemorySegment.copy(data, F32, 0, out, 0, out.length);
        return out;
    }

    /** Refuses NaN and infinities, naming the first offending row and column (both 0-based). */
    public void requireFinite() {
        float[] buf = new float[dims];
        for (long r = 0; r < rows; r++) {
            copyRow(r, buf);
            for (int c = 0; c < dims; c++) {
                if (!Float.isFinite(buf[c])) {
                    throw BadInputException.in(source, "row " + r + ", column " + c + " is " + buf[c]
                            + " (embeddings must be finite)");
                }
            }
        }
    }

    @Override
    public void close() {
        if (owner != null) {
            owner.close();
        }
    }
}
