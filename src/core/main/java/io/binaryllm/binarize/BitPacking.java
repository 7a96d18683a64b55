package io.binaryllm.binarize;

import io.binaryllm.BadInputException;
import io.binaryllm.data.BinaryCodeBatch;
import io.binaryllm.data.MemoryBudget;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Conversions between the canonical layout (LSB-first 64-bit words, see {@link BinaryCodeBatch}) and the byte
 * layouts other tools use. Byte rows are {@code ceil(bits / 8)} long with zero padding at the end.
 * <ul>
 *   <li>LSB-first bytes: FAISS's {@code uint8} codes and {@code numpy.packbits(..., bitorder='little')}: the
 *       little-endian bytes of the words, cut to length.</li>
 *   <li>MSB-first bytes: {@code numpy.packbits} default and sentence-transformers' {@code ubinary}: dimension j is
 *       bit {@code 7 - j % 8} of byte {@code j / 8}.</li>
 * </ul>
 */
public final class BitPacking {
    private BitPacking() {
    }

    /** Packs a row of 0/1 values (any nonzero counts as 1) into words. */
    public static long[] pack(int[] bits01) {
        long[] words = new long[BinaryCodeBatch.wordsFor(bits01.length)];
        for (int j = 0; j < bits01.length; j++) {
            if (bits01[j] != 0) {
                words[j >>> 6] |= 1L << (j & 63);
            }
        }
        return words;
    }

    /** The 0/1 values of the first {@code bits} dimensions of a row of words. */
    public static int[] unpack(long[] words, int bits) {
        int[] out = new int[bits];
        for (int j = 0; j < bits; j++) {
            out[j] = (int) (words[j >>> 6] >>> (j & 63)) & 1;
        }
        return out;
    }

    public static int bytesPerRow(int bits) {
        return (int) ((bits + 7L) >>> 3);
    }

    /** Row-major bytes, {@link #bytesPerRow} a row, in the order {@code msbFirst} selects. */
    public static byte[] toBytes(BinaryCodeBatch codes, boolean msbFirst) {
        long bytes = MemoryBudget.bytes(codes.rows(), bytesPerRow(codes.bits()));
        if (bytes > Integer.MAX_VALUE - 8) {
            throw BadInputException.in(codes.source(), codes.rows() + " codes of " + bytesPerRow(codes.bits())
                    + " bytes are more than one byte array holds (2^31); use toByteSegment");
        }
        MemoryBudget.requireHeap(bytes, codes.source(), "a byte copy of the codes");
        byte[] out = new byte[(int) bytes];
        fill(codes, msbFirst, MemorySegment.ofArray(out));
        return out;
    }

    /** {@link #toBytes} as an off-heap segment of any size (freed when unreachable), for writing {@code |u1} arrays. */
    public static MemorySegment toByteSegment(BinaryCodeBatch codes, boolean msbFirst) {
        long bytes = MemoryBudget.bytes(codes.rows(), bytesPerRow(codes.bits()));
        MemoryBudget.requireOffHeap(bytes, codes.source(), "a byte copy of the codes");
        MemorySegment out = Arena.ofAuto().allocate(Math.max(bytes, 1)).asSlice(0, bytes);
        fill(codes, msbFirst, out);
        return out;
    }

    private static void fill(BinaryCodeBatch codes, boolean msbFirst, MemorySegment out) {
        int perRow = bytesPerRow(codes.bits());
        long[] row = new long[codes.words()];
        for (long r = 0; r < codes.rows(); r++) {
            codes.copyRow(r, row);
            for (int b = 0; b < perRow; b++) {
                int lsbFirst = (int) (row[b >>> 3] >>> ((b & 7) * 8)) & 0xff;
                out.set(ValueLayout.JAVA_BYTE, r * perRow + b, (byte) (msbFirst ? Integer.reverse(lsbFirst) >>> 24 : lsbFirst));
            }
        }
    }

    /** The inverse of {@link #toBytes}: validates that padding bits of the last byte are zero. */
    public static BinaryCodeBatch fromBytes(byte[] bytes, long rows, int bits, boolean msbFirst, String source) {
        int perRow = bytesPerRow(bits);
        if (bytes.length != MemoryBudget.bytes(rows, perRow)) {
            throw BadInputException.in(source, bytes.length + " bytes are not " + rows + " rows of " + perRow + " bytes");
        }
        int w = BinaryCodeBatch.wordsFor(bits);
        long[] words = new long[Math.toIntExact(rows * w)]; // rows * w <= rows * perRow = bytes.length
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < perRow; b++) {
                int v = bytes[r * perRow + b] & 0xff;
                long lsbFirst = msbFirst ? Integer.reverse(v) >>> 24 : v;
                words[r * w + (b >>> 3)] |= lsbFirst << ((b & 7) * 8);
            }
        }
        return BinaryCodeBatch.wrap(MemorySegment.ofArray(words), rows, bits, source, null);
    }
}
