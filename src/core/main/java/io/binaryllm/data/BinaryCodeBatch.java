package io.binaryllm.data;

import io.binaryllm.BadInputException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * n binary codes of {@code bits} bits each, packed as the bit-layout contract fixes (docs/contracts.md): row-major, {@code W = ceil(bits / 64)}
 * 64-bit words a row, dimension j is bit {@code j % 64} (LSB = 0) of word {@code j / 64}, padding bits zero. The
 * little-endian bytes of the words are FAISS's uint8 layout, so the segment can be written to disk as it is.
 *
 * <p>Row and word offsets are computed in {@code long}: nothing here assumes fewer than 2^31 rows or words.
 */
public final class BinaryCodeBatch implements Codes {
    /** Unaligned: codes may be mapped from an {@code .npy} whose data does not start on an 8-byte boundary. */
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final long rows;
    private final int bits;
    private final int words;
    private final String source;
    private final Arena owner;

    private BinaryCodeBatch(MemorySegment data, long rows, int bits, String source, Arena owner) {
        if (rows < 0 || bits < 1) {
            throw BadInputException.in(source, "codes need rows >= 0 and bits >= 1, got " + rows + " rows of " + bits + " bits");
        }
        this.words = wordsFor(bits);
        if (data.byteSize() != Math.multiplyExact(Math.multiplyExact(rows, (long) words), Long.BYTES)) {
            throw new IllegalArgumentException("segment of " + data.byteSize() + " bytes is not " + rows + " x " + words + " words");
        }
        this.data = data;
        this.rows = rows;
        this.bits = bits;
        this.source = source;
        this.owner = owner;
    }

    /** Number of 64-bit words that hold {@code bits} bits. */
    public static int wordsFor(int bits) {
        if (bits < 1) {
            throw new IllegalArgumentException("bits must be >= 1, got " + bits);
        }
        return (int) ((bits + 63L) >>> 6);
    }

    /**
     * Wraps packed words and checks that every padding bit is zero (a nonzero padding bit would change Hamming
     * distances in backends that XOR whole words, so it is refused at the door, naming the first bad row).
     */
    public static BinaryCodeBatch wrap(MemorySegment data, long rows, int bits, String source, Arena owner) {
        BinaryCodeBatch batch = new BinaryCodeBatch(data, rows, bits, source, owner);
        batch.requireZeroPadding();
        return batch;
    }

    /** A heap batch over row-major words (not copied); padding is validated. */
    public static BinaryCodeBatch ofWords(long[] words, long rows, int bits) {
        return wrap(MemorySegment.ofArray(words), rows, bits, "<memory>", null);
    }

    /**
     * An off-heap, all-zero batch to be filled through {@link #setWord}; refused before anything is allocated when
     * the machine does not have the memory (the message names {@code source}).
     */
    public static BinaryCodeBatch allocate(long rows, int bits, String source) {
        if (rows < 0 || bits < 1) {
            throw BadInputException.in(source, "codes need rows >= 0 and bits >= 1, got " + rows + " rows of " + bits + " bits");
        }
        long bytes = MemoryBudget.bytes(rows, wordsFor(bits), Long.BYTES);
        MemoryBudget.requireOffHeap(bytes, source, rows + " codes of " + bits + " bits");
        Arena arena = Arena.ofShared();
        return new BinaryCodeBatch(arena.allocate(Math.max(bytes, 1), Long.BYTES).asSlice(0, bytes), rows, bits, source, arena);
    }

    /**
     * The same memory read as codes of {@code newBits} bits (which must need the same number of words), with
     * padding validated for the new width. Used when a file of W words is declared to hold d bits.
     */
    public BinaryCodeBatch withBits(int newBits) {
        if (newBits < 1 || wordsFor(newBits) != words) {
            throw BadInputException.in(source, newBits < 1 ? "codes need at least 1 bit, got " + newBits
                    : newBits + " bits need " + wordsFor(newBits) + " words a row, the codes have " + words);
        }
        return wrap(data, rows, newBits, source, null);
    }

    @Override
    public long rows() {
        return rows;
    }

    public int bits() {
        return bits;
    }

    public int words() {
        return words;
    }

    @Override
    public String source() {
        return source;
    }

    /** Hamming codes rank by distance. */
    @Override
    public Ranking ranking() {
        return Ranking.DISTANCE;
    }

    /** Queries of the same code length; {@link Codes#requireResultsFit}. */
    @Override
    public void requireSearchable(Codes queries, int k) {
        BinaryCodeBatch q = Codes.sameFamily(this, queries, BinaryCodeBatch.class);
        if (bits != q.bits) {
            throw BadInputException.in(q.source, "queries have " + q.bits + "-bit codes (" + q.words
                    + " words), the database " + source + " has " + bits + "-bit codes (" + words + " words)");
        }
        Codes.requireResultsFit(this, q, k);
    }

    public MemorySegment segment() {
        return data;
    }

    public long word(long row, int w) {
        return data.getAtIndex(U64, row * words + w);
    }

    public void setWord(long row, int w, long value) {
        data.setAtIndex(U64, row * words + w, value);
    }

    /** Bit {@code j} of row {@code row}: 0 or 1. */
    public int bit(long row, int j) {
        return (int) (word(row, j >>> 6) >>> (j & 63)) & 1;
    }

    public void copyRow(long row, long[] dst) {
        MemorySegment.copy(data, U64, row * words * Long.BYTES, dst, 0, words);
    }

    public long[] row(long row) {
        long[] out = new long[words];
        copyRow(row, out);
        return out;
    }

    /** Mask of the bits of the last word that carry dimensions (all ones when bits is a multiple of 64). */
    public static long lastWordMask(int bits) {
        int used = bits & 63;
        return used == 0 ? -1L : (1L << used) - 1;
    }

    private void requireZeroPadding() {
        long padding = ~lastWordMask(bits);
        if (padding == 0) {
            return;
        }
        for (long r = 0; r < rows; r++) {
            if ((word(r, words - 1) & padding) != 0) {
                throw BadInputException.in(source, "row " + r + " has nonzero padding bits beyond bit " + (bits - 1)
                        + " (codes of " + bits + " bits must zero the rest of their last word)");
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
