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

    /**
     * Shuffles the edges in place with the given random source: a uniform permutation, drawn in two cache-friendly
     * passes once the block outgrows the caches ({@link #groupBits}). Each edge goes to one of G groups at random (a
     * counting sort by the drawn group, one column at a time, so the extra memory is one column and a short per
     * edge), then each group, about 100-200 KB, is shuffled by Fisher-Yates. Given the groups' sizes every arrangement
     * is equally likely, as with Fisher-Yates over the whole block, whose random swaps miss the cache on every edge: the
     * two passes take about half its time on 10M edges (docs/BENCHMARKS.md, "The epoch's input path").
     */
    public void shuffle(java.util.random.RandomGenerator random) {
        shuffle(random, groupBits(size));
    }

    /** log2 of the shuffle's groups for {@code n} edges: groups of at least 8,192 edges (96 KB), at most 4,096 groups. */
    static int groupBits(int n) {
        int bits = 0;
        while (bits < 12 && (long) n >> (bits + 1) >= 8192) {
            bits++;
        }
        return bits;
    }

    /**
     * {@link #shuffle(java.util.random.RandomGenerator)} with 2^{@code bits} groups (0: Fisher-Yates over the whole
     * block); for tests and benchmarks, which compare the two.
     */
    public void shuffle(java.util.random.RandomGenerator random, int bits) {
        if (bits < 0 || bits > 15) {
            throw new IllegalArgumentException("shuffle group bits: " + bits + " (expected 0 to 15)");
        }
        if (bits == 0) {
            shuffleRange(random, 0, size);
            return;
        }
        int groups = 1 << bits;
        short[] group = new short[size];
        int[] start = new int[groups + 1];
        for (int i = 0; i < size; i++) {
            int g = random.nextInt() >>> (32 - bits);
            group[i] = (short) g;
            start[g + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            start[g + 1] += start[g];
        }
        int[] spare = new int[size];
        int[] next = new int[groups];
        spare = scatter(relation, spare, group, start, next);
        spare = scatter(lhs, spare, group, start, next);
        spare = scatter(rhs, spare, group, start, next);
        if (weight != null) {
            float[] w = new float[size];
            System.arraycopy(start, 0, next, 0, groups);
            for (int i = 0; i < size; i++) {
                w[next[group[i]]++] = weight[i];
            }
            weight = w;
        }
        for (int g = 0; g < groups; g++) {
            shuffleRange(random, start[g], start[g + 1]);
        }
    }

    /**
     * Writes {@code column[0, size)} into {@code spare} (at least {@code size} long) ordered by group, stable; makes
     * {@code spare} that column's array and returns the old one, the next column's spare.
     */
    private int[] scatter(int[] column, int[] spare, short[] group, int[] start, int[] next) {
        System.arraycopy(start, 0, next, 0, next.length);
        for (int i = 0; i < size; i++) {
            spare[next[group[i]]++] = column[i];
        }
        if (column == relation) {
            relation = spare;
        } else if (column == lhs) {
            lhs = spare;
        } else {
            rhs = spare;
        }
        return column;
    }

    /** Fisher-Yates over edges {@code [from, to)}. */
    private void shuffleRange(java.util.random.RandomGenerator random, int from, int to) {
        for (int i = to - 1; i > from; i--) {
            int j = from + random.nextInt(i - from + 1);
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
