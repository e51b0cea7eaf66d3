package io.embark.jobs.imports;

import java.util.Arrays;

/**
 * A fixed-capacity map from (type, name) to a long, for the import's per-task name work: the executors' dictionary
 * ({@link EntityLookup}: the value is partition << 32 | offset) and the dictionary pass's per-task counts
 * ({@link DictionaryBuilder.EndNames}). Entries are numbered in the order they were added; open addressing with linear
 * probing over a slot array at most half full, so a lookup allocates nothing. About 30 bytes per entry besides the
 * name's own String.
 */
final class NameTable {

    private final int[] types;
    private final String[] names;
    private final long[] values;
    private final int[] slots;
    private int size;

    NameTable(int capacity) {
        int c = Math.max(1, capacity);
        types = new int[c];
        names = new String[c];
        values = new long[c];
        slots = new int[Integer.highestOneBit(Math.max(2, c) * 2 - 1) << 1];
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == names.length;
    }

    /** The entry of (type, name), or -1. */
    int find(int type, String name) {
        int mask = slots.length - 1;
        for (int i = slot(type, name); ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (types[s - 1] == type && names[s - 1].equals(name)) {
                return s - 1;
            }
        }
    }

    /** Adds (type, name), which must not be there, and returns its entry. */
    int add(int type, String name, long value) {
        if (full()) {
            throw new IllegalStateException("name table full at " + size + " names");
        }
        int mask = slots.length - 1;
        int i = slot(type, name);
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        types[size] = type;
        names[size] = name;
        values[size] = value;
        slots[i] = ++size;
        return size - 1;
    }

    int type(int entry) {
        return types[entry];
    }

    String name(int entry) {
        return names[entry];
    }

    long value(int entry) {
        return values[entry];
    }

    void value(int entry, long value) {
        values[entry] = value;
    }

    /** Empties the table, keeping its arrays. */
    void clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(slots, 0);
        size = 0;
    }

    private int slot(int type, String name) {
        int h = (name.hashCode() + 31 * type) * 0x9E3779B9;
        return (h ^ (h >>> 15)) & (slots.length - 1);
    }
}
