package io.embark.embedding.kernel;

import io.embark.embedding.model.RelationParameters;
import java.util.Arrays;

/**
 * What a {@link ChunkStep} computes for one chunk and an {@link Optimizer} applies: the gradient of the chunk's loss
 * with respect to each of its rows and to the relation parameters it touched. Row {@code i} of the chunk's lhs rows
 * is {@code lhs[i*d, (i+1)*d)} of {@link #lhs}; negative {@code j} of the lhs side is {@code lhsNegatives[j*d, ...)}.
 * When the chunk shares its negatives between the sides ({@link Chunk#sharedNegatives}) both directions' gradients
 * of the shared rows are in {@link #lhsNegatives}, and {@link #rhsNegatives} is unused.
 *
 * <p>An entity that appears twice among a side's rows has two gradient rows: the optimizer applies them in order
 * (as two updates), whichever step computed them. One instance per worker thread; nothing is allocated per chunk.
 */
public final class ChunkGradients {

    private final RelationParameters relations;
    public final float[] lhs;
    public final float[] rhs;
    public final float[] lhsNegatives;
    public final float[] rhsNegatives;

    /** Relation gradients: a small pool of buffers, one per (relation, slot) the chunk touched. */
    private final int[] poolIndex;
    private float[][] pool;
    private int[] poolKey;
    private int poolUsed;

    public ChunkGradients(RelationParameters relations, int capacity, int uniformCapacity, int maxDim) {
        this.relations = relations;
        lhs = new float[capacity * maxDim];
        rhs = new float[capacity * maxDim];
        lhsNegatives = new float[uniformCapacity * maxDim];
        rhsNegatives = new float[uniformCapacity * maxDim];
        poolIndex = new int[relations.count() * relations.slots()];
        Arrays.fill(poolIndex, -1);
        pool = new float[0][];
        poolKey = new int[0];
    }

    /**
     * Starts a chunk of {@code n} edges of dimension {@code d}: zeroes the rows' gradients and forgets the relation
     * gradients. The negatives' gradients are left to the step, which overwrites or zeroes them.
     */
    public void start(int n, int d) {
        Arrays.fill(lhs, 0, n * d, 0f);
        Arrays.fill(rhs, 0, n * d, 0f);
        for (int k = 0; k < poolUsed; k++) {
            poolIndex[poolKey[k]] = -1;
        }
        poolUsed = 0;
    }

    /** The gradient of relation {@code r}'s parameter slot {@code slot}, zeroed the first time the chunk asks for it. */
    public float[] relation(int r, int slot) {
        int key = r * relations.slots() + slot;
        int k = poolIndex[key];
        if (k >= 0) {
            return pool[k];
        }
        if (poolUsed == pool.length) {
            int cap = Math.max(4, pool.length * 2);
            pool = Arrays.copyOf(pool, cap);
            poolKey = Arrays.copyOf(poolKey, cap);
        }
        int size = relations.params(r, slot).length;
        if (pool[poolUsed] == null || pool[poolUsed].length < size) {
            pool[poolUsed] = new float[Math.max(size, relations.maxParameterCount())];
        }
        Arrays.fill(pool[poolUsed], 0, size, 0f);
        poolKey[poolUsed] = key;
        poolIndex[key] = poolUsed;
        return pool[poolUsed++];
    }

    /** The gradient of relation {@code r}'s slot {@code slot} for this chunk, or null when the chunk did not touch it. */
    public float[] relationOrNull(int r, int slot) {
        int k = poolIndex[r * relations.slots() + slot];
        return k < 0 ? null : pool[k];
    }

    /** How many (relation, slot) gradients the chunk touched; {@link #relationKey} names each. */
    public int relationCount() {
        return poolUsed;
    }

    /** The k-th touched gradient's {@code relation * slots + slot}. */
    public int relationKey(int k) {
        return poolKey[k];
    }

    /** The k-th touched gradient. */
    public float[] relationGradient(int k) {
        return pool[k];
    }
}
