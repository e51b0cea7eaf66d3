package io.embark.allreduce.topology;

import java.util.Arrays;

/**
 * The ranks taking part in one (sub-)collective, in the order the algorithm uses, and this rank's
 * position among them. Algorithms address members by position; the transport by global rank.
 */
public final class Group {
    private final int[] members;
    private final int index;

    /** {@code members} are global ranks; {@code self} must be one of them. */
    public Group(int[] members, int self) {
        this.members = members.clone();
        int idx = -1;
        for (int i = 0; i < members.length; i++) {
            if (members[i] == self) {
                idx = i;
            }
        }
        if (idx < 0) {
            throw new IllegalArgumentException("rank " + self + " is not in group " + Arrays.toString(members));
        }
        this.index = idx;
    }

    /** All ranks {@code 0..size-1}. */
    public static Group world(int size, int self) {
        int[] m = new int[size];
        for (int i = 0; i < size; i++) {
            m[i] = i;
        }
        return new Group(m, self);
    }

    public int size() {
        return members.length;
    }

    /** This rank's position. */
    public int index() {
        return index;
    }

    /** Global rank of the member at {@code position}. */
    public int rank(int position) {
        return members[position];
    }

    /** Global rank of the member at {@code position} modulo the size (ring arithmetic). */
    public int ringRank(int position) {
        return members[Math.floorMod(position, members.length)];
    }

    public int[] members() {
        return members.clone();
    }

    @Override
    public String toString() {
        return "Group" + Arrays.toString(members) + "@" + index;
    }
}
