package io.embark.embedding.storage;

import java.util.random.RandomGenerator;

/**
 * The embeddings of one (entity type, partition) with their Adagrad accumulators: row {@code i} (the entity at offset i
 * of the partition) is {@code data[i*dim, (i+1)*dim)}; its accumulator is {@code state[i]} (row-wise Adagrad) or
 * {@code state[i*dim, (i+1)*dim)} (element-wise: {@code state} as long as {@code data}). Plain Java arrays, shared
 * without locks by the HOGWILD threads of a bucket.
 */
public final class EmbeddingTable {

    private final String entityType;
    private final int partition;
    private final int rows;
    private final int dim;
    private final float[] data;
    private final float[] state;

    public EmbeddingTable(String entityType, int partition, int rows, int dim, float[] data, float[] state) {
        if ((long) rows * dim != data.length || (state.length != rows && state.length != data.length)) {
            throw new IllegalArgumentException("table " + entityType + "/" + partition + ": " + rows + " x " + dim
                    + " does not match arrays of " + data.length + " and " + state.length);
        }
        this.entityType = entityType;
        this.partition = partition;
        this.rows = rows;
        this.dim = dim;
        this.data = data;
        this.state = state;
    }

    /** A fresh table: every entry N(0, 1) * scale, row-wise accumulators 0. */
    public static EmbeddingTable random(String entityType, int partition, int rows, int dim, double scale, RandomGenerator random) {
        return random(entityType, partition, rows, dim, scale, random, false);
    }

    /** A fresh table: every entry N(0, 1) * scale, accumulators (one per row, or per entry when elementwise) 0. */
    public static EmbeddingTable random(String entityType, int partition, int rows, int dim, double scale, RandomGenerator random,
                                        boolean elementwise) {
        long n = (long) rows * dim;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("partition " + partition + " of entity type '" + entityType + "' holds " + rows
                    + " entities of dimension " + dim + ": more than 2^31 floats; use more partitions");
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * scale);
        }
        return new EmbeddingTable(entityType, partition, rows, dim, data, new float[elementwise ? data.length : rows]);
    }

    public String entityType() {
        return entityType;
    }

    public int partition() {
        return partition;
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    public float[] data() {
        return data;
    }

    public float[] state() {
        return state;
    }

    /** Whether the accumulators are per entry (element-wise Adagrad) rather than per row. */
    public boolean elementwise() {
        return state.length != rows;
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        float[] r = new float[dim];
        System.arraycopy(data, i * dim, r, 0, dim);
        return r;
    }

    public EmbeddingTable copy() {
        return new EmbeddingTable(entityType, partition, rows, dim, data.clone(), state.clone());
    }
}
