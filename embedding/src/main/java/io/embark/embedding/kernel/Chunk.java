package io.embark.embedding.kernel;

import io.embark.embedding.storage.EmbeddingTable;

/**
 * One chunk of edges ready for a training step: up to {@code capacity} edges of one bucket whose sides use the tables
 * {@code lhsTable} and {@code rhsTable}, and the uniform negatives drawn for each side (offsets into those tables,
 * shared by the whole chunk). A worker thread owns one Chunk and refills it for every step, so nothing is allocated
 * per step. The sampler, not the step, draws the negatives, so two step implementations can be compared on the same
 * input.
 */
public final class Chunk {

    public final int capacity;
    public final int[] relation;
    public final int[] lhs;
    public final int[] rhs;
    /** Edge weights times nothing else; 1 for unweighted graphs. */
    public final float[] weight;
    public int size;
    public int[] lhsNegatives;
    public int[] rhsNegatives;
    /** How many entries of lhsNegatives / rhsNegatives are used. */
    public int lhsNegativeCount;
    public int rhsNegativeCount;
    /**
     * Whether both sides use one set of negatives ({@link #sharedNegatives}): then lhsNegatives and rhsNegatives are the
     * same array, the tables are the same table, and a step scores both directions against the set and updates each of
     * its rows once, with both directions' gradients summed.
     */
    public boolean sharedNegatives;
    public EmbeddingTable lhsTable;
    public EmbeddingTable rhsTable;

    public Chunk(int capacity, int uniformCapacity) {
        this.capacity = capacity;
        relation = new int[capacity];
        lhs = new int[capacity];
        rhs = new int[capacity];
        weight = new float[capacity];
        lhsNegatives = new int[uniformCapacity];
        rhsNegatives = new int[uniformCapacity];
    }

    /** Sets the negatives of both sides: the first {@code lhsCount} of {@code lhsNeg}, the first {@code rhsCount} of {@code rhsNeg}. */
    public void negatives(int[] lhsNeg, int lhsCount, int[] rhsNeg, int rhsCount) {
        sharedNegatives = false;
        lhsNegatives = lhsNeg;
        lhsNegativeCount = lhsCount;
        rhsNegatives = rhsNeg;
        rhsNegativeCount = rhsCount;
    }

    /** One set of negatives for both sides: the first {@code count} of {@code neg}; both sides must use one table. */
    public void sharedNegatives(int[] neg, int count) {
        if (lhsTable != rhsTable) {
            throw new IllegalStateException("shared negatives need one table for both sides; this chunk has "
                    + describe(lhsTable) + " and " + describe(rhsTable));
        }
        negatives(neg, count, neg, count);
        sharedNegatives = true;
    }

    private static String describe(EmbeddingTable t) {
        return t == null ? "none" : t.entityType() + " partition " + t.partition();
    }

    public void clear() {
        size = 0;
    }

    public void add(int rel, int lhsOffset, int rhsOffset, float w) {
        relation[size] = rel;
        lhs[size] = lhsOffset;
        rhs[size] = rhsOffset;
        weight[size] = w;
        size++;
    }
}
