package io.embark.partitioning;

import java.util.Arrays;

/**
 * A growable block of edges in columnar primitive arrays: relation id, lhs offset, rhs offset and (optionally) weight.
 * This is what a bucket's edges look like in memory once streamed from disk.
 */
public final class EdgeBlock {

    private int[] relation;
    private int[] lhs;
    private int[] rhs;
    private float[] weight;
    private int size;

    public EdgeBlock(int capacity, boolean weighted) {
        int cap = Math.max(capacity, 16);
        relation = new int[cap];
        lhs = new int[cap];
        rhs = new int[cap];
        weight = weighted ? new float[cap] : null;
    }

    public void add(int rel, int lhsOffset, int rhsOffset, float w) {
        if (size == relation.length) {
            grow();
        }
        relation[size] = rel;
        lhs[size] = lhsOffset;
        rhs[size] = rhsOffset;
        if (weight != null) {
            weight[size] = w;
        }
        size++;
    }

    public void add(int rel, int lhsOffset, int rhsOffset) {
        add(rel, lhsOffset, rhsOffset, 1f);
    }

    private void grow() {
        int cap = grownCapacity(relation.length);
        relation = Arrays.copyOf(relation, cap);
        lhs = Arrays.copyOf(lhs, cap);
        rhs = Arrays.copyOf(rhs, cap);
        if (weight != null) {
            weight = Arrays.copyOf(weight, cap);
        }
    }

    /**
     * The capacity after {@code capacity}: half as much again, computed in 64 bits and capped at
     * {@link Limits#MAX_BUCKET_EDGES} (in 32 bits, 1.5 x 1.43 billion wraps negative); a full block of that many edges
     * is refused by name.
     */
    static int grownCapacity(int capacity) {
        if (capacity >= Limits.MAX_BUCKET_EDGES) {
            throw new IllegalStateException("a bucket of more than " + Limits.number(Limits.MAX_BUCKET_EDGES)
                    + " edges, the most one bucket can hold: import with more partitions (graph.entities.TYPE.partitions)");
        }
        return (int) Math.min(Limits.MAX_BUCKET_EDGES, Math.max(capacity + 1L, capacity + (long) (capacity >> 1)));
    }

    public int size() {
        return size;
    }

    public boolean weighted() {
        return weight != null;
    }

    public int relation(int i) {
        return relation[i];
    }

    public int lhs(int i) {
        return lhs[i];
    }

    public int rhs(int i) {
        return rhs[i];
    }

    public int entity(Side side, int i) {
        return side == Side.LHS ? lhs[i] : rhs[i];
    }

    /** The weight of edge i, or 1 when the block carries no weights. */
    public float weight(int i) {
        return weight == null ? 1f : weight[i];
    }

    /** Direct access to the backing arrays (valid up to {@link #size()}), for tight training loops. */
    public int[] relations() {
        return relation;
    }

    public int[] lhsOffsets() {
        return lhs;
    }

    public int[] rhsOffsets() {
        return rhs;
    }

    /** The weights array, or null when unweighted. */
    public float[] weights() {
        return weight;
    }

    /** Shuffles the edges in place with the given random source (Fisher-Yates). */
    public void shuffle(java.util.random.RandomGenerator random) {
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            swap(relation, i, j);
            swap(lhs, i, j);
            swap(rhs, i, j);
            if (weight != null) {
                float t = weight[i];
                weight[i] = weight[j];
                weight[j] = t;
            }
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
