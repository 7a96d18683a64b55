package io.binaryllm.langchain4j.internal;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import io.binaryllm.BadInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * A store's entries by slot: slot i holds the i-th entry added since the last {@link #clear()}, its id ({@link IdTable}),
 * its segment, its float vector (in a memory-mapped scratch file, {@link MappedFloatRows}) and whether it is live; a
 * removed slot's id and segment are gone, its row stays until a compaction renumbers the live slots. Not thread-safe:
 * the store's lock guards it.
 */
public final class EntryTable implements AutoCloseable {
    private final Path directory;
    private final int compactMin;
    private IdTable ids = new IdTable();
    private List<TextSegment> segments = new ArrayList<>();
    private final BitSet live = new BitSet();
    private int liveCount;
    /** Null until the first add fixes the dimensions. */
    private MappedFloatRows vectors;
    /** Slots handed out when a compaction last failed (a full disk): it is not tried again before twice as many. */
    private int compactionFailedAt;

    /**
     * @param directory  where the scratch file of the vectors is made
     * @param compactMin removed slots are renumbered away once they are more than this many and half of all slots
     */
    public EntryTable(Path directory, int compactMin) {
        this.directory = directory;
        this.compactMin = compactMin;
    }

    /** Dimensions of a vector; 0 before the first add. */
    public int dims() {
        return vectors == null ? 0 : vectors.dims();
    }

    public int liveCount() {
        return liveCount;
    }

    public boolean isLive(int slot) {
        return live.get(slot);
    }

    /** The first live slot at or after {@code from}, or -1. */
    public int nextLive(int from) {
        return live.nextSetBit(from);
    }

    /** Every live slot, ascending. */
    public int[] liveSlots() {
        return live.stream().toArray();
    }

    /** Slots handed out since the last compaction or clear: live ones and removed ones not yet compacted. */
    public int slots() {
        return ids.slots();
    }

    /** The live slot of {@code id}, or -1. */
    public int slotOf(String id) {
        return ids.slotOf(id);
    }

    public String id(int slot) {
        return ids.id(slot);
    }

    public TextSegment segment(int slot) {
        return segments.get(slot);
    }

    /** The slot's segment's metadata, empty without a segment. */
    public Metadata metadata(int slot) {
        TextSegment s = segments.get(slot);
        return s == null ? new Metadata() : s.metadata();
    }

    public float[] row(int slot) {
        return vectors.row(slot);
    }

    /** Whether the first add has made the scratch file (and fixed the dimensions). */
    public boolean opened() {
        return vectors != null;
    }

    /** Makes the scratch file for vectors of {@code dims} dimensions; the first add calls it. */
    public void open(int dims) {
        vectors = new MappedFloatRows(directory, dims);
    }

    /**
     * Appends the entries, each id not yet live or replacing its live slot ({@code replaced} hears of each), and returns
     * their slots. The scratch file grows first, so a full disk changes nothing.
     */
    public int[] append(List<String> newIds, float[][] rows, List<TextSegment> newSegments, IntConsumer replaced) {
        vectors.reserve(rows.length);
        int[] slots = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int old = ids.slotOf(newIds.get(i));
            if (old >= 0) { // the same id again replaces the entry, as langchain4j's stores do
                forget(old);
                replaced.accept(old);
            }
            slots[i] = Math.toIntExact(vectors.append(rows[i]));
            if (ids.add(newIds.get(i)) != slots[i]) {
                throw new IllegalStateException("slots of ids and vectors disagree at " + slots[i]);
            }
            segments.add(newSegments == null ? null : newSegments.get(i));
            live.set(slots[i]);
            liveCount++;
        }
        return slots;
    }

    /** Marks a live slot removed, with its id and segment. */
    public void forget(int slot) {
        live.clear(slot);
        liveCount--;
        ids.remove(slot);
        segments.set(slot, null);
    }

    /**
     * Renumbers the live slots 0..n-1 (same order, so ranks and ties are unchanged) once removed slots are over half
     * of all: their float rows move to a new scratch file, their ids and segments to new tables. Without it a store
     * that keeps replacing entries would grow its scratch file and id pages without bound. Each compaction copies at
     * most as many rows as were removed since the last, so its cost is spread over the removals. Returns the old slot
     * to new slot map for the codes, or null when nothing moved; a compaction that fails (no room for the new file)
     * leaves the table as it was.
     */
    public IntUnaryOperator compactIfDue() {
        int slots = ids.slots();
        int dead = slots - liveCount;
        if (dead <= Math.max(compactMin, slots / 2) || slots < 2L * compactionFailedAt) {
            return null;
        }
        int[] newSlot = new int[slots];
        Arrays.fill(newSlot, -1);
        MappedFloatRows moved = null;
        IdTable movedIds = new IdTable();
        List<TextSegment> movedSegments = new ArrayList<>(liveCount);
        try {
            moved = new MappedFloatRows(directory, dims());
            for (int slot = live.nextSetBit(0); slot >= 0; slot = live.nextSetBit(slot + 1)) {
                newSlot[slot] = Math.toIntExact(moved.append(vectors.row(slot)));
                movedIds.add(ids.id(slot));
                movedSegments.add(segments.get(slot));
            }
        } catch (BadInputException e) {
            if (moved != null) {
                moved.close();
            }
            compactionFailedAt = slots;
            return null;
        }
        vectors.close();
        vectors = moved;
        ids = movedIds;
        segments = movedSegments;
        live.clear();
        live.set(0, liveCount);
        compactionFailedAt = 0;
        return slot -> newSlot[slot];
    }

    /** Every entry gone; the scratch file kept, empty. */
    public void clear() {
        ids.clear();
        segments.clear();
        live.clear();
        compactionFailedAt = 0;
        liveCount = 0;
        if (vectors != null) {
            vectors.clear();
        }
    }

    @Override
    public void close() {
        if (vectors != null) {
            vectors.close();
        }
    }
}
