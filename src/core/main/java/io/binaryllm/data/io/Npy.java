package io.binaryllm.data.io;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.FloatEmbeddingBatch;
import io.binaryllm.data.MemoryBudget;
import io.binaryllm.internal.io.AtomicOutput;
import io.binaryllm.internal.io.FileKinds;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reading and writing {@code .npy} files. Reads memory-map the file, so a 3 GB code file costs no heap; element
 * types other than the one asked for are converted into off-heap memory. Writes go through {@link AtomicOutput}.
 */
public final class Npy {
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** A ByteBuffer view is limited to 2 GB; larger segments are written in slices of this size. */
    private static final long WRITE_SLICE = 1L << 30;

    static {
        requireLittleEndianHost();
    }

    private Npy() {
    }

    /**
     * Heap arrays and mapped files are exchanged without byte swapping: every host this project targets (x86-64,
     * aarch64 Linux) is little-endian, like the file format. Fail loudly rather than corrupt data elsewhere.
     */
    static void requireLittleEndianHost() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("BinaryLLM runs on little-endian hosts only");
        }
    }

    /** A whole {@code .npy} file mapped read-only; closing it unmaps the data. */
    public record Mapped(Path file, NpyHeader header, MemorySegment data, Arena arena) implements AutoCloseable {
        public long rows() {
            return header.shape()[0];
        }

        public long cols() {
            return header.shape().length > 1 ? header.shape()[1] : 1;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Maps {@code file} and checks that its size matches the header exactly (truncated or padded files fail). */
    public static Mapped map(Path file) {
        FileKinds.requireRegularFile(file);
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = NpyHeader.read(file, channel);
            header.requireFileSize(file, channel.size());
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), header.dataBytes(), arena);
            return new Mapped(file, header, data, arena);
        } catch (NoSuchFileException e) {
            arena.close();
            throw BadInputException.in(file, "no such file");
        } catch (IOException e) {
            arena.close();
            throw BadInputException.in(file, "cannot read: " + FileKinds.reason(e));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A 2-D float array as float32 rows. {@code <f4} is mapped as it is; {@code <f8} and {@code <f2} are converted
     * (round to nearest) into off-heap memory. A float64 value beyond float32's range is refused rather than turned
     * into an infinity, naming its row and column.
     */
    public static FloatEmbeddingBatch readFloats(Path file) {
        Mapped m = map(file);
        try {
            requireMatrix(m, "a float matrix", NpyDtype.F4, NpyDtype.F8, NpyDtype.F2);
            int dims = Math.toIntExact(m.cols());
            if (m.header().dtype() == NpyDtype.F4) {
                return FloatEmbeddingBatch.wrap(m.data(), m.rows(), dims, file.toString(), m.arena());
            }
            FloatEmbeddingBatch out = FloatEmbeddingBatch.allocate(m.rows(), dims, file.toString());
            try {
                convert(m, dims, out);
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
            m.close();
            return out;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        } catch (InternalError e) {
            m.close();
            throw MappedFaults.explain(e, file.toString());
        }
    }

    /** {@code <f8} (refusing values beyond float32's range) or {@code <f2} into float32, round to nearest. */
    private static void convert(Mapped m, int dims, FloatEmbeddingBatch out) {
        long count = m.header().elementCount();
        MemorySegment dst = out.segment();
        for (long i = 0; i < count; i++) {
            float value;
            if (m.header().dtype() == NpyDtype.F8) {
                double d = m.data().getAtIndex(F64, i);
                value = (float) d;
                if (Double.isFinite(d) && Float.isInfinite(value)) {
                    throw BadInputException.in(m.file(), "row " + i / dims + ", column " + i % dims + " is " + d
                            + ", beyond float32's range");
                }
            } else {
                value = Float.float16ToFloat(m.data().getAtIndex(F16, i));
            }
            dst.setAtIndex(FloatEmbeddingBatch.F32, i, value);
        }
    }

    /**
     * A 2-D {@code <u8} array of packed codes (rows, W). The bit count is not stored in {@code .npy}, so the codes
     * are taken as {@code 64 * W} bits; {@link BinaryCodeBatch#withBits} narrows them and validates the padding.
     */
    public static BinaryCodeBatch readCodes(Path file) {
        Mapped m = map(file);
        try {
            requireMatrix(m, "packed codes (rows, words)", NpyDtype.U8);
            if (m.cols() == 0) {
                throw BadInputException.in(file, "codes must have at least one 64-bit word a row, the shape is "
                        + Arrays.toString(m.header().shape()));
            }
            int words = Math.toIntExact(m.cols());
            if ((long) words * 64 > Integer.MAX_VALUE) {
                throw BadInputException.in(file, words + " words a row is more than this project's int bit count allows");
            }
            return BinaryCodeBatch.wrap(m.data(), m.rows(), words * 64, file.toString(), m.arena());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** A small array of any supported type copied onto the heap, e.g. search results or golden expectations. */
    public record HeapArray(NpyDtype dtype, long[] shape, MemorySegment data) {
        public long length() {
            return data.byteSize() / dtype.itemSize();
        }

        public long[] longs() {
            require(NpyDtype.I8, NpyDtype.U8);
            return data.toArray(ValueLayout.JAVA_LONG);
        }

        public int[] ints() {
            require(NpyDtype.I4);
            return data.toArray(ValueLayout.JAVA_INT);
        }

        public double[] doubles() {
            require(NpyDtype.F8);
            return data.toArray(ValueLayout.JAVA_DOUBLE);
        }

        public float[] floats() {
            require(NpyDtype.F4);
            return data.toArray(ValueLayout.JAVA_FLOAT);
        }

        public byte[] bytes() {
            require(NpyDtype.I1, NpyDtype.U1);
            return data.toArray(ValueLayout.JAVA_BYTE);
        }

        private void require(NpyDtype... allowed) {
            if (!Arrays.asList(allowed).contains(dtype)) {
                throw new IllegalStateException("array is " + dtype.descr() + ", not " + Arrays.toString(allowed));
            }
        }
    }

    /** Reads a whole file onto the heap. */
    public static HeapArray readHeap(Path file) {
        try (Mapped m = map(file)) {
            if (m.header().dataBytes() > Integer.MAX_VALUE - 8) {
                throw BadInputException.in(file, "too large to read onto the heap; it must be memory-mapped");
            }
            MemoryBudget.requireHeap(m.header().dataBytes(), file, "its data");
            MemorySegment heap = MemorySegment.ofArray(new long[(int) ((m.header().dataBytes() + 7) / 8)])
                    .asSlice(0, m.header().dataBytes());
            heap.copyFrom(m.data());
            return new HeapArray(m.header().dtype(), m.header().shape().clone(), heap);
        } catch (InternalError e) {
            throw MappedFaults.explain(e, file.toString());
        }
    }

    private static void requireMatrix(Mapped m, String what, NpyDtype... allowed) {
        NpyHeader h = m.header();
        if (!Arrays.asList(allowed).contains(h.dtype())) {
            StringBuilder names = new StringBuilder();
            for (NpyDtype t : allowed) {
                names.append(names.isEmpty() ? "" : " or ").append(t.descr());
            }
            throw BadInputException.in(m.file(), "dtype " + h.dtype().descr() + " cannot hold " + what + "; expected " + names);
        }
        if (h.shape().length != 2) {
            throw BadInputException.in(m.file(), "expected a 2-D array of " + what + ", the shape is " + Arrays.toString(h.shape()));
        }
        if (h.shape()[1] > Integer.MAX_VALUE) {
            throw BadInputException.in(m.file(), "rows of " + h.shape()[1] + " columns are too wide");
        }
    }

    // ----------------------------------------------------------------------------------------------- writing

    /**
     * Writes the header and {@code data} (little-endian elements of {@code dtype}) to {@code out}, which takes each
     * buffer whole (an open atomic output's {@code write}, say).
     */
    public static void writeTo(Consumer<ByteBuffer> out, NpyDtype dtype, MemorySegment data, long... shape) {
        long elements = 1;
        for (long s : shape) {
            elements = Math.multiplyExact(elements, s);
        }
        if (data.byteSize() != Math.multiplyExact(elements, dtype.itemSize())) {
            throw new IllegalArgumentException(data.byteSize() + " bytes do not hold shape " + Arrays.toString(shape) + " of " + dtype);
        }
        out.accept(ByteBuffer.wrap(NpyHeader.encode(dtype, shape)));
        if (data.isNative()) {
            for (long off = 0; off < data.byteSize(); off += WRITE_SLICE) {
                out.accept(data.asSlice(off, Math.min(WRITE_SLICE, data.byteSize() - off)).asByteBuffer());
            }
        } else {
            // Heap segments over long[] or int[] have no ByteBuffer view: stage them through a byte buffer.
            ByteBuffer stage = ByteBuffer.allocateDirect(1 << 20);
            MemorySegment staged = MemorySegment.ofBuffer(stage);
            for (long off = 0; off < data.byteSize(); off += stage.capacity()) {
                int n = (int) Math.min(stage.capacity(), data.byteSize() - off);
                MemorySegment.copy(data, off, staged, 0, n);
                out.accept(stage.clear().limit(n));
            }
        }
    }

    /** Writes one complete file atomically. */
    public static void write(Path target, boolean overwrite, NpyDtype dtype, MemorySegment data, long... shape) {
        try (AtomicOutput out = AtomicOutput.open(target, overwrite)) {
            writeTo(out::write, dtype, data, shape);
            out.commit();
        }
    }

    public static void writeCodes(Path target, boolean overwrite, BinaryCodeBatch codes) {
        write(target, overwrite, NpyDtype.U8, codes.segment(), codes.rows(), codes.words());
    }

    public static void writeFloats(Path target, boolean overwrite, FloatEmbeddingBatch batch) {
        write(target, overwrite, NpyDtype.F4, batch.segment(), batch.rows(), batch.dims());
    }

    /** Heap arrays as segments for {@link #write}: native order, which {@link #requireLittleEndianHost} made LE. */
    public static MemorySegment le(long[] values) {
        return MemorySegment.ofArray(values);
    }

    public static MemorySegment le(int[] values) {
        return MemorySegment.ofArray(values);
    }

    public static MemorySegment le(double[] values) {
        return MemorySegment.ofArray(values);
    }

    public static MemorySegment le(byte[] values) {
        return MemorySegment.ofArray(values);
    }

    public static MemorySegment le(float[] values) {
        return MemorySegment.ofArray(values);
    }

}
