package io.binaryllm.langchain4j.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ids of a store's slots, kept compact: a store of ten million entries would spend over a gigabyte of heap on
 * {@code String}s, {@code HashMap} nodes and boxed slots; here an id costs its UTF-8 bytes plus one, eight bytes of
 * offset and four to eleven of hash table. Ids live in 1 MiB pages (a longer id gets a page of its own), slot s's id at
 * {@code offsets[s]} (page in the high 32 bits, position in the low), -1 once removed; an open-addressing table of
 * slot + 1 (0 empty, -1 a removed id's tombstone) finds a slot by id.
 *
 * <p>Not thread-safe: the store reads under its read lock and changes under its write lock.
 */
public final class IdTable {
    private static final int PAGE = 1 << 20;
    private static final int EMPTY = 0;
    private static final int TOMBSTONE = -1;

    private final List<byte[]> pages = new ArrayList<>();
    private int pageUsed;
    private long[] offsets = new long[64];
    private int slots;
    private int[] table = new int[64];
    /** Cells of the table in use, live or tombstone. */
    private int used;

    /** Slots handed out (live or removed). */
    public int slots() {
        return slots;
    }

    /** The slot holding {@code id}, or -1. */
    public int slotOf(String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        int mask = table.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            int cell = table[i];
            if (cell == EMPTY) {
                return -1;
            }
            if (cell != TOMBSTONE && matches(cell - 1, key)) {
                return cell - 1;
            }
        }
    }

    /** Gives {@code id} (not held: the caller removes it first) the next slot, and returns it. */
    public int add(String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        if ((used + 1) * 10L > table.length * 7L) { // linear probing stays short below 70% full
            rehash();
        }
        int slot = slots;
        if (slot == offsets.length) {
            offsets = Arrays.copyOf(offsets, (int) Math.min(Integer.MAX_VALUE - 8, 2L * offsets.length));
        }
        offsets[slot] = store(key);
        slots++;
        int mask = table.length - 1;
        int i = hash(key) & mask;
        while (table[i] != EMPTY && table[i] != TOMBSTONE) {
            i = (i + 1) & mask;
        }
        if (table[i] == EMPTY) {
            used++;
        }
        table[i] = slot + 1;
        return slot;
    }

    /** The id of {@code slot}, or null once removed. */
    public String id(int slot) {
        long at = offsets[slot];
        if (at < 0) {
            return null;
        }
        byte[] page = pages.get((int) (at >>> 32));
        int pos = (int) at;
        int length = readLength(page, pos);
        int start = pos + lengthBytes(length);
        return new String(page, start, length, StandardCharsets.UTF_8);
    }

    /** Removes the id of a live {@code slot}. */
    public void remove(int slot) {
        long at = offsets[slot];
        byte[] page = pages.get((int) (at >>> 32));
        int pos = (int) at;
        int length = readLength(page, pos);
        byte[] key = Arrays.copyOfRange(page, pos + lengthBytes(length), pos + lengthBytes(length) + length);
        int mask = table.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (table[i] == slot + 1) {
                table[i] = TOMBSTONE;
                break;
            }
        }
        offsets[slot] = -1;
    }

    /** Forgets every id and slot. */
    public void clear() {
        pages.clear();
        pageUsed = 0;
        offsets = new long[64];
        slots = 0;
        table = new int[64];
        used = 0;
    }

    private long store(byte[] key) {
        int need = lengthBytes(key.length) + key.length;
        if (pages.isEmpty() || pageUsed + need > pages.getLast().length) {
            pages.add(new byte[Math.max(PAGE, need)]);
            pageUsed = 0;
        }
        byte[] page = pages.getLast();
        int pos = pageUsed;
        int p = pos;
        for (int v = key.length; ; v >>>= 7) { // the length as a varint: one byte below 128
            if (v < 0x80) {
                page[p++] = (byte) v;
                break;
            }
            page[p++] = (byte) (v & 0x7f | 0x80);
        }
        System.arraycopy(key, 0, page, p, key.length);
        pageUsed = p + key.length;
        return (long) (pages.size() - 1) << 32 | pos;
    }

    private static int readLength(byte[] page, int pos) {
        int v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = page[pos++];
            v |= (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    private static int lengthBytes(int length) {
        int n = 1;
        while (length >= 0x80) {
            length >>>= 7;
            n++;
        }
        return n;
    }

    private boolean matches(int slot, byte[] key) {
        long at = offsets[slot];
        byte[] page = pages.get((int) (at >>> 32));
        int pos = (int) at;
        int length = readLength(page, pos);
        int start = pos + lengthBytes(length);
        return length == key.length && Arrays.equals(page, start, start + length, key, 0, length);
    }

    /** A table of at least twice the live ids (a power of two), tombstones dropped. */
    private void rehash() {
        int live = 0;
        for (int cell : table) {
            if (cell > 0) {
                live++;
            }
        }
        int capacity = Math.max(64, Integer.highestOneBit(2 * (live + 1) - 1) << 1);
        int[] old = table;
        table = new int[capacity];
        used = 0;
        int mask = capacity - 1;
        for (int cell : old) {
            if (cell > 0) {
                long at = offsets[cell - 1];
                byte[] page = pages.get((int) (at >>> 32));
                int pos = (int) at;
                int length = readLength(page, pos);
                int start = pos + lengthBytes(length);
                int i = hash(page, start, length) & mask;
                while (table[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i] = cell;
                used++;
            }
        }
    }

    private static int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** FNV-1a, then a finalizer so that linear probing sees well-spread low bits. */
    private static int hash(byte[] bytes, int from, int length) {
        int h = 0x811c9dc5;
        for (int i = from; i < from + length; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
