package io.binaryllm.langchain4j.internal;

import io.binaryllm.data.Codes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The codes of a store's entries, by slot (the order entries were added: slots only grow), in two parts searched
 * side by side and merged exactly:
 * <ul>
 *   <li>the <b>main</b> part, made searchable once ({@link StoreCodec#part} with {@code often}: laid out in blocks, or
 *       kept on a device) and then only read;</li>
 *   <li>the <b>delta</b>: entries added since, searched as they lie, and merged into the main part when it reaches a
 *       64th of it, so a change never rebuilds the whole index and a rebuild's cost is spread over the adds that
 *       made it due.</li>
 * </ul>
 * Removed entries stay in their part, skipped by the caller's predicate; a search asks each part for a few more rows
 * than it needs (as many as removed entries would take on average) and again for more in the rare case that was not
 * enough, so a removal costs a search almost nothing. When a quarter of the main part is removed, it is rebuilt
 * without them. Rows keep slot order in both parts, so ranking by (key, row) within a part is ranking by (key, slot),
 * and the answer never depends on how the entries are split between the parts.
 *
 * <p>Not thread-safe: the store reads under its read lock and changes under its write lock.
 */
public final class StoreCodes<Q extends Codes> implements AutoCloseable {
    /**
     * The delta is merged once it holds more than this many rows and a 64th of the main part: searched as it lies
     * (copied tile by tile, a second pass of the backend), it costs more per row than the laid-out main part.
     */
    static final int DELTA_MIN = 4096;
    /** A filtered search whose candidates would pass through more than this share of a part gathers the part. */
    private static final int GATHER_SHARE = 8;

    private final StoreCodec<Q> codec;
    private final Rows main;
    private final Rows delta;
    private StoreCodec.Part<Q> mainPart;
    /** Clients inside a store search: the main part's {@link ScanCombiner} batches their scans. */
    private final AtomicInteger searching = new AtomicInteger();

    public StoreCodes(StoreCodec<Q> codec) {
        this.codec = codec;
        this.main = new Rows(codec);
        this.delta = new Rows(codec);
    }

    public StoreCodec<Q> codec() {
        return codec;
    }

    /** One ranked entry. */
    public record Hit(int slot, int key) {
    }

    /** Appends encoded rows for {@code slots} (ascending, each above every slot held). */
    public void append(int[] slots, StoreCodec.Encoded encoded) {
        delta.append(slots, encoded, 0, slots.length);
    }

    /** Counts {@code slot} (held and live until now) as removed. */
    public void removed(int slot) {
        (delta.rows > 0 && slot >= delta.slots[0] ? delta : main).dead++;
    }

    /** Live rows held. */
    public int live() {
        return main.rows - main.dead + delta.rows - delta.dead;
    }

    /**
     * A client's search begins (the store calls this before it encodes the query and {@link #leaveSearch} after it has
     * rescored): while several are inside, their scans of the main part are batched.
     */
    public void enterSearch() {
        searching.incrementAndGet();
    }

    public void leaveSearch() {
        searching.decrementAndGet();
    }

    /**
     * Merges the delta into the main part, dropping removed rows, when the delta is large or a quarter of the main
     * part is removed; {@code live} says which slots remain. Called after every change.
     */
    public void maintain(IntPredicate live) {
        boolean deltaFull = delta.rows > Math.max(DELTA_MIN, main.rows / 64);
        boolean mainSparse = main.dead > 0 && main.dead * 4L > main.rows;
        if (deltaFull || mainSparse) {
            rebuild(live);
        }
    }

    private void rebuild(IntPredicate live) {
        renumber(slot -> live.test(slot) ? slot : -1);
    }

    /**
     * Every held row renumbered by {@code newSlot} (-1: dropped), which must keep the order of the rows it keeps: the
     * store compacting its slots. The main part is rebuilt and the delta merged into it.
     */
    public void renumber(IntUnaryOperator newSlot) {
        closeMain(); // first, so that the old layout, the old rows and the new rows are never all held at once
        Rows merged = new Rows(codec);
        merged.reserve(live());
        for (Rows part : List.of(main, delta)) {
            for (int r = 0; r < part.rows; r++) {
                int slot = newSlot.applyAsInt(part.slots[r]);
                if (slot >= 0) {
                    merged.copyRow(part, r);
                    merged.slots[merged.rows - 1] = slot;
                }
            }
        }
        main.take(merged);
        delta.clear();
        mainPart = main.rows == 0 ? null : new ScanCombiner<>(codec, codec.part(main.words, main.floats, main.rows, true), searching);
    }

    /** Forgets every row. */
    public void clear() {
        closeMain();
        main.clear();
        delta.clear();
    }

    /**
     * The {@code depth} best accepted rows of both parts, by (key, slot): exactly the first {@code depth} of all held
     * rows that {@code accept} passes. {@code filtered}: {@code accept} is more than liveness (its pass rate unknown).
     */
    public List<Hit> topK(float[] vector, int depth, IntPredicate accept, boolean filtered) {
        Q query = codec.query(vector);
        try {
            return topK(query, depth, accept, filtered);
        } finally {
            codec.release(query);
        }
    }

    private List<Hit> topK(Q query, int depth, IntPredicate accept, boolean filtered) {
        List<Hit> a = mainPart == null ? List.of() : topK(main, mainPart, query, depth, accept, filtered);
        List<Hit> b;
        if (delta.rows == 0) {
            b = List.of();
        } else {
            try (StoreCodec.Part<Q> part = codec.part(delta.words, delta.floats, delta.rows, false)) {
                b = topK(delta, part, query, depth, accept, filtered);
            }
        }
        return merge(a, b, depth);
    }

    private List<Hit> topK(Rows rows, StoreCodec.Part<Q> part, Q query, int depth, IntPredicate accept, boolean filtered) {
        if (!filtered && rows.rows == rows.dead) {
            return List.of();
        }
        // The share of rows that pass: known without a filter; with one, guessed, then measured on the candidates.
        double pass = filtered ? 0.5 : (rows.rows - rows.dead) / (double) rows.rows;
        int k = want(depth, pass, rows.rows);
        while (true) {
            StoreCodec.Ranked ranked = part.topK(query, k);
            List<Hit> hits = new ArrayList<>(Math.min(depth, k));
            int passed = 0;
            for (int i = 0; i < ranked.rows().length; i++) {
                int slot = rows.slots[(int) ranked.rows()[i]];
                if (accept.test(slot)) {
                    passed++;
                    if (hits.size() < depth) {
                        hits.add(new Hit(slot, ranked.keys()[i]));
                    }
                }
            }
            // Every row outside the top k ranks after every row in it: the first `depth` accepted are the answer.
            if (hits.size() == depth || k == rows.rows) {
                return hits;
            }
            int next = Math.max(want(depth, 0.8 * passed / k, rows.rows), (int) Math.min(rows.rows, 2L * k));
            if (filtered && (passed == 0 || (long) next * GATHER_SHARE > rows.rows)) {
                return gathered(rows, query, depth, accept);
            }
            k = next;
        }
    }

    /** A selective filter: its rows copied out (fewer than a scan reads) and ranked alone. */
    private List<Hit> gathered(Rows rows, Q query, int depth, IntPredicate accept) {
        Rows picked = new Rows(codec);
        for (int r = 0; r < rows.rows; r++) {
            if (accept.test(rows.slots[r])) {
                picked.copyRow(rows, r);
            }
        }
        if (picked.rows == 0) {
            return List.of();
        }
        try (StoreCodec.Part<Q> part = codec.part(picked.words, picked.floats, picked.rows, false)) {
            StoreCodec.Ranked ranked = part.topK(query, Math.min(depth, picked.rows));
            List<Hit> hits = new ArrayList<>(ranked.rows().length);
            for (int i = 0; i < ranked.rows().length; i++) {
                hits.add(new Hit(picked.slots[(int) ranked.rows()[i]], ranked.keys()[i]));
            }
            return hits;
        }
    }

    /** Rows to ask for so that {@code depth} pass at rate {@code pass}, with room for chance; at most {@code rows}. */
    private static int want(int depth, double pass, int rows) {
        double k = pass <= 0 ? rows : depth / pass * 1.1 + 8;
        return (int) Math.max(1, Math.min(rows, Math.ceil(k)));
    }

    private static List<Hit> merge(List<Hit> a, List<Hit> b, int depth) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        List<Hit> out = new ArrayList<>(Math.min(depth, a.size() + b.size()));
        int i = 0;
        int j = 0;
        while (out.size() < depth && (i < a.size() || j < b.size())) {
            boolean takeA = j == b.size() || i < a.size() && (a.get(i).key() < b.get(j).key()
                    || a.get(i).key() == b.get(j).key() && a.get(i).slot() < b.get(j).slot());
            out.add(takeA ? a.get(i++) : b.get(j++));
        }
        return out;
    }

    private void closeMain() {
        if (mainPart != null) {
            mainPart.close();
            mainPart = null;
        }
    }

    @Override
    public void close() {
        clear();
    }

    /**
     * Rows of codes in slot order: slots[r] and the row's words and floats. The words live off the heap (a store of
     * ten million 384-bit rows would otherwise hold half a gigabyte of them on the heap, twice while a rebuild
     * copies), in automatic arenas: the garbage collector frees them once unreachable, so a store that is never
     * closed (langchain4j stores usually are not) leaks nothing. The floats stay on the heap, as the osq kernels
     * take them.
     */
    private static final class Rows {
        private final int rowWords;
        private final int rowFloats;
        int[] slots = new int[0];
        MemorySegment words = MemorySegment.NULL;
        float[] floats = new float[0];
        int rows;
        int dead;

        Rows(StoreCodec<?> codec) {
            this.rowWords = codec.rowWords();
            this.rowFloats = codec.rowFloats();
        }

        private long wordOffset(long row) {
            return row * rowWords * Long.BYTES;
        }

        void reserve(int capacity) {
            if (capacity > slots.length) {
                slots = Arrays.copyOf(slots, capacity);
                floats = Arrays.copyOf(floats, Math.multiplyExact(capacity, rowFloats));
                MemorySegment grown = Arena.ofAuto().allocate(Math.max(Long.BYTES, wordOffset(capacity)), Long.BYTES);
                MemorySegment.copy(words, 0, grown, 0, wordOffset(rows));
                words = grown;
            }
        }

        private void room(int more) {
            int needed = Math.addExact(rows, more);
            if (needed > slots.length) {
                reserve((int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, Math.max(64, slots.length * 2L))));
            }
        }

        void append(int[] newSlots, StoreCodec.Encoded e, int from, int to) {
            room(to - from);
            System.arraycopy(newSlots, from, slots, rows, to - from);
            MemorySegment.copy(e.words(), from * rowWords, words, ValueLayout.JAVA_LONG, wordOffset(rows), (to - from) * rowWords);
            System.arraycopy(e.floats(), from * rowFloats, floats, rows * rowFloats, (to - from) * rowFloats);
            rows += to - from;
        }

        void copyRow(Rows from, int r) {
            room(1);
            slots[rows] = from.slots[r];
            MemorySegment.copy(from.words, from.wordOffset(r), words, wordOffset(rows), (long) rowWords * Long.BYTES);
            System.arraycopy(from.floats, r * rowFloats, floats, rows * rowFloats, rowFloats);
            rows++;
        }

        /** Takes over {@code other}'s rows. */
        void take(Rows other) {
            slots = other.slots;
            words = other.words;
            floats = other.floats;
            rows = other.rows;
            dead = 0;
        }

        void clear() {
            words = MemorySegment.NULL;
            slots = new int[0];
            floats = new float[0];
            rows = 0;
            dead = 0;
        }
    }
}
