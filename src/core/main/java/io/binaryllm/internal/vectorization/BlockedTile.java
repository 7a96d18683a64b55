package io.binaryllm.internal.vectorization;

import io.binaryllm.data.BinaryCodeBatch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tile of the database re-laid in blocks of {@code lanes} codes with word w of the block's codes adjacent:
 * {@code data[(block * words + w) * lanes + lane]}. One SIMD register then holds word w of a whole block, so
 * distances need only vertical XOR / popcount / add: no horizontal sum per pair. Lanes past the end of the
 * database are zero and are never reported ({@link #codes} bounds the valid ones).
 *
 * <p>A tile is reused for the next tile of the same thread: {@link #load} overwrites it.
 */
public final class BlockedTile {
    private final int lanes;
    private final int words;
    private final long[] data;
    /** The tile's rows as they are in the database, copied in one bulk call before the transpose (allocated on first load). */
    private long[] rows;
    private final int capacity;
    private long first;
    private int codes;

    /** @param capacity codes per tile, a multiple of {@code lanes} */
    public BlockedTile(int lanes, int words, int capacity) {
        if (capacity % lanes != 0) {
            throw new IllegalArgumentException("tile capacity " + capacity + " is not a multiple of " + lanes + " lanes");
        }
        this.lanes = lanes;
        this.words = words;
        this.capacity = capacity;
        this.data = new long[Math.multiplyExact(capacity, words)];
    }

    /** Database rows {@code [first, first + count)} in a tile of their own, kept (a layout made once: no scratch kept). */
    public static BlockedTile laidOut(BinaryCodeBatch db, long first, int count, int lanes) {
        BlockedTile tile = new BlockedTile(lanes, db.words(), (count + lanes - 1) / lanes * lanes);
        tile.load(db, first, count);
        tile.rows = null;
        return tile;
    }

    /** Copies database rows {@code [first, first + count)} into the blocked layout. */
    public void load(BinaryCodeBatch db, long first, int count) {
        if (count > capacity) {
            throw new IllegalArgumentException(count + " codes do not fit a tile of " + capacity);
        }
        this.first = first;
        this.codes = count;
        int blocks = blocks();
        // The last block may be partial: zero its padding lanes (left over from the previous tile).
        if (blocks > 0) {
            Arrays.fill(data, (blocks - 1) * words * lanes, blocks * words * lanes, 0L);
        }
        // One bulk copy out of the (possibly memory-mapped) database, then a plain array transpose: both stay
        // fast before the JIT has compiled them, which matters on a short command-line run.
        if (rows == null) {
            rows = new long[data.length];
        }
        MemorySegment.copy(db.segment(), BinaryCodeBatch.U64, first * words * Long.BYTES, rows, 0, count * words);
        // Block by block, writing each block's words in order (reads stay within the block's few cache lines), and
        // no division per code: this copy is as much work as the scan when few queries read the tile.
        int full = count / lanes;
        int blockLongs = words * lanes;
        for (int b = 0; b < full; b++) {
            int base = b * blockLongs;
            for (int w = 0; w < words; w++) {
                int dst = base + w * lanes;
                for (int lane = 0; lane < lanes; lane++) {
                    data[dst + lane] = rows[base + lane * words + w];
                }
            }
        }
        for (int c = full * lanes; c < count; c++) { // the partial last block
            int base = full * blockLongs + c % lanes;
            int src = c * words;
            for (int w = 0; w < words; w++) {
                data[base + w * lanes] = rows[src + w];
            }
        }
    }

    public long[] data() {
        return data;
    }

    public int lanes() {
        return lanes;
    }

    public int words() {
        return words;
    }

    /** Database index of the tile's first code. */
    public long first() {
        return first;
    }

    /** Valid codes in the tile; lanes beyond them in the last block are padding. */
    public int codes() {
        return codes;
    }

    public int blocks() {
        return (codes + lanes - 1) / lanes;
    }
}
