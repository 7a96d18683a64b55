package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The TEXMEX formats of the ANN benchmarks (SIFT, GIST, BIGANN): every row is a little-endian int32 dimension d
 * followed by d values, float32 ({@code .fvecs}), uint8 ({@code .bvecs}) or int32 ({@code .ivecs}, ground truth).
 * Rows interleave their lengths with the data, so they are copied into a dense off-heap matrix on read.
 */
public final class VecsFiles {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private VecsFiles() {
    }

    public static FloatEmbeddingBatch readFvecs(Path file) {
        return readFloats(file, Float.BYTES);
    }

    public static FloatEmbeddingBatch readBvecs(Path file) {
        return readFloats(file, 1);
    }

    /** Ground-truth neighbour lists: one int array a row, all of the same length. */
    public static int[][] readIvecs(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = mapAll(file, arena);
            Layout l = layout(file, data, Integer.BYTES);
            if (l.rows > Integer.MAX_VALUE - 8) {
                throw BadInputException.in(file, l.rows + " rows are too many for an in-memory ground-truth table");
            }
            MemoryBudget.requireHeap(MemoryBudget.bytes(l.rows, (long) l.dims * Integer.BYTES + 16), file, l.rows + " x " + l.dims + " neighbour ids");
            int[][] out = new int[(int) l.rows][l.dims];
            for (int r = 0; r < out.length; r++) {
                MemorySegment.copy(data, I32, (long) r * l.rowBytes + Integer.BYTES, out[r], 0, l.dims);
            }
            return out;
        } catch (InternalError e) {
            throw MappedFaults.explain(e, file.toString());
        }
    }

    private static FloatEmbeddingBatch readFloats(Path file, int valueBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = mapAll(file, arena);
            Layout l = layout(file, data, valueBytes);
            FloatEmbeddingBatch out = FloatEmbeddingBatch.allocate(l.rows, l.dims, file.toString());
            for (long r = 0; r < l.rows; r++) {
                long base = r * l.rowBytes + Integer.BYTES;
                for (int c = 0; c < l.dims; c++) {
                    float v = valueBytes == 1
                            ? (float) Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, base + c))
                            : data.get(F32, base + (long) c * Float.BYTES);
                    out.set(r, c, v);
                }
            }
            return out;
        } catch (InternalError e) {
            throw MappedFaults.explain(e, file.toString());
        }
    }

    private record Layout(long rows, int dims, long rowBytes) {
    }

    /** Checks that every row declares the same dimension and that the file holds whole rows only. */
    private static Layout layout(Path file, MemorySegment data, int valueBytes) {
        long size = data.byteSize();
        if (size == 0) {
            throw BadInputException.in(file, "empty file");
        }
        if (size < Integer.BYTES) {
            throw BadInputException.in(file, "truncated: " + size + " bytes cannot hold a row's dimension");
        }
        int dims = data.get(I32, 0);
        if (dims < 1) {
            throw BadInputException.in(file, "row 0 declares dimension " + dims + " (not a " + suffix(valueBytes) + " file?)");
        }
        long rowBytes = Integer.BYTES + (long) dims * valueBytes;
        if (size % rowBytes != 0) {
            throw BadInputException.in(file, "truncated or not " + suffix(valueBytes) + ": " + size + " bytes is not a whole number of "
                    + rowBytes + "-byte rows of dimension " + dims);
        }
        long rows = size / rowBytes;
        for (long r = 1; r < rows; r++) {
            int d = data.get(I32, r * rowBytes);
            if (d != dims) {
                throw BadInputException.in(file, "row " + r + " declares dimension " + d + ", row 0 declares " + dims);
            }
        }
        return new Layout(rows, dims, rowBytes);
    }

    private static String suffix(int valueBytes) {
        return valueBytes == 1 ? ".bvecs" : ".fvecs/.ivecs";
    }

    private static MemorySegment mapAll(Path file, Arena arena) {
        FileKinds.requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (NoSuchFileException e) {
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        }
    }
}
