package io.embark.embedding.storage;

import java.util.random.RandomGenerator;

/**
 * The embeddings of one (entity type, partition) with their Adagrad accumulators, as segments of whole rows: a Java
 * array holds at most 2^31 - 9 floats, and a partition of 16M entities of dimension 200 is 3.2 billion, so a table is
 * cut into segments of {@code rowsPerSegment} rows (a power of two, at most {@link #MAX_SEGMENT_FLOATS} floats each).
 * Row {@code i} lives in segment {@code i >>> shift} at float offset {@code (i & mask) * dim}; its accumulator is one
 * float (row-wise Adagrad) or dim floats (element-wise) at the same place of the segment's state array. A row never
 * straddles two segments, so a row is always one contiguous slice of one array. Tables below 2^30 floats (every
 * table of the benchmarks) are one segment. Plain Java arrays, shared without locks by the HOGWILD threads of a
 * bucket.
 *
 * <p>Example: 5 rows of dimension 2 with 2 rows per segment (shift 1, mask 1), row-wise state:
 * <pre>
 *   segment 0: data [r0 r0 r1 r1]   state [a0 a1]
 *   segment 1: data [r2 r2 r3 r3]   state [a2 a3]
 *   segment 2: data [r4 r4]         state [a4]
 *   row 3 -> segment 3 >>> 1 = 1, data offset (3 &amp; 1) * 2 = 2, state offset 3 &amp; 1 = 1
 * </pre>
 * A hot loop resolves a row once ({@link #data(int)} and {@link #dataOffset(int)}) and then works on the array.
 */
public final class EmbeddingTable {

    /** The widest rows {@link #touchPays()} for. */
    public static final int TOUCH_MAX_DIM = 128;

    /** The most floats one segment holds (4 GiB): a power of two, well under Java's array limit. */
    public static final int MAX_SEGMENT_FLOATS = 1 << 30;
    /** The most rows one table (one partition of a type) holds: Java's array limit, as row offsets are ints. */
    public static final int MAX_ROWS = Integer.MAX_VALUE - 8;

    private final String entityType;
    private final int partition;
    private final int rows;
    private final int dim;
    private final boolean elementwise;
    /** Row i is in segment {@code i >>> shift}, at row {@code i & mask} of it. */
    private final int shift;
    private final int mask;
    private final float[][] data;
    private final float[][] state;
    /** Rows below this index are not updated by the optimizer ({@code training.freeze = existing}); 0 by default. */
    private int frozenRows;
    private int knownRows;

    /**
     * A table of one segment over the given arrays: row i is {@code data[i*dim, (i+1)*dim)}, its accumulator
     * {@code state[i]} (row-wise) or {@code state[i*dim, (i+1)*dim)} (element-wise: {@code state} as long as {@code data}).
     */
    public EmbeddingTable(String entityType, int partition, int rows, int dim, float[] data, float[] state) {
        this(entityType, partition, rows, dim, state.length != rows, 31, new float[][] {data}, new float[][] {state});
        if ((long) rows * dim != data.length || (state.length != rows && state.length != data.length)) {
            throw new IllegalArgumentException("table " + entityType + "/" + partition + ": " + rows + " x " + dim
                    + " does not match arrays of " + data.length + " and " + state.length);
        }
    }

    private EmbeddingTable(String entityType, int partition, int rows, int dim, boolean elementwise, int shift,
                           float[][] data, float[][] state) {
        this.entityType = entityType;
        this.partition = partition;
        this.rows = rows;
        this.knownRows = rows;
        this.dim = dim;
        this.elementwise = elementwise;
        this.shift = shift;
        this.mask = shift == 31 ? Integer.MAX_VALUE : (1 << shift) - 1;
        this.data = data;
        this.state = state;
    }

    /**
     * A table of zeros (embeddings and accumulators), segmented as every table of its shape is: one segment up to
     * {@link #MAX_SEGMENT_FLOATS} floats, else segments of the largest power of two of rows that fits.
     */
    public static EmbeddingTable zeros(String entityType, int partition, int rows, int dim, boolean elementwise) {
        return zeros(entityType, partition, rows, dim, elementwise, rowsPerSegment(rows, dim));
    }

    /** As {@link #zeros(String, int, int, int, boolean)} with segments of {@code rowsPerSegment} rows (a power of two). */
    static EmbeddingTable zeros(String entityType, int partition, int rows, int dim, boolean elementwise, int rowsPerSegment) {
        checkShape(entityType, partition, rows, dim);
        long segmentFloats = (long) Math.min(rows, rowsPerSegment) * dim;
        if (Integer.bitCount(rowsPerSegment) != 1 || segmentFloats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("table " + entityType + "/" + partition + ": " + rowsPerSegment
                    + " rows per segment (expected a power of two, and segments of at most 2^31 - 9 floats: "
                    + (Integer.MAX_VALUE - 8) / dim + " rows of dimension " + dim + ")");
        }
        boolean perEntry = elementwise && dim > 1; // for d = 1 both kinds of state are one float per row
        int width = perEntry ? dim : 1;
        int shift = rowsPerSegment >= rows ? 31 : Integer.numberOfTrailingZeros(rowsPerSegment);
        int segments = shift == 31 ? 1 : (int) (((long) rows + rowsPerSegment - 1) >>> shift);
        float[][] data = new float[segments][];
        float[][] state = new float[segments][];
        for (int s = 0; s < segments; s++) {
            int n = shift == 31 ? rows : Math.min(rowsPerSegment, rows - (s << shift));
            data[s] = new float[n * dim];
            state[s] = new float[n * width];
        }
        return new EmbeddingTable(entityType, partition, rows, dim, perEntry, shift, data, state);
    }

    /** The rows per segment of a table of this shape: all of them up to {@link #MAX_SEGMENT_FLOATS} floats. */
    static int rowsPerSegment(int rows, int dim) {
        if ((long) rows * dim <= MAX_SEGMENT_FLOATS) {
            return Math.max(1, Integer.highestOneBit(Math.max(1, rows - 1)) << 1);
        }
        return Integer.highestOneBit(MAX_SEGMENT_FLOATS / dim);
    }

    private static void checkShape(String entityType, int partition, int rows, int dim) {
        if (rows < 0 || rows > MAX_ROWS || dim < 1 || dim > MAX_SEGMENT_FLOATS) {
            throw new IllegalArgumentException("table " + entityType + "/" + partition + ": " + rows + " rows of dimension " + dim
                    + " (expected 0 to " + MAX_ROWS + " rows, a dimension of 1 to " + MAX_SEGMENT_FLOATS + ")");
        }
    }

    /** A fresh table: every entry N(0, 1) * scale, row-wise accumulators 0. */
    public static EmbeddingTable random(String entityType, int partition, int rows, int dim, double scale, RandomGenerator random) {
        return random(entityType, partition, rows, dim, scale, random, false);
    }

    /**
     * A fresh table: every entry N(0, 1) * scale, drawn in row-major order (so the values do not depend on the
     * segmentation), accumulators (one per row, or per entry when elementwise) 0.
     */
    public static EmbeddingTable random(String entityType, int partition, int rows, int dim, double scale, RandomGenerator random,
                                        boolean elementwise) {
        EmbeddingTable t = zeros(entityType, partition, rows, dim, elementwise);
        t.fillRandom(scale, random);
        return t;
    }

    void fillRandom(double scale, RandomGenerator random) {
        for (float[] segment : data) {
            for (int i = 0; i < segment.length; i++) {
                segment[i] = (float) (random.nextGaussian() * scale);
            }
        }
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

    /** Whether the accumulators are per entry (element-wise Adagrad) rather than per row. */
    public boolean elementwise() {
        return elementwise;
    }

    /**
     * Reads one float of every cache line of row {@code row} and its accumulator, and returns their sum. A tight loop
     * of these over the random rows a step is about to read or update puts their cache misses in flight together,
     * where the step's own loop waits for about one row at a time (Java has no prefetch instruction; callers keep the
     * sum in a field so the loads are not removed).
     */
    public float touch(int row) {
        float[] d = data[row >>> shift];
        int off = (row & mask) * dim;
        float acc = d[off + dim - 1];
        for (int k = 0; k < dim; k += 16) {
            acc += d[off + k];
        }
        return acc + state[row >>> shift][stateOffset(row)];
    }

    /**
     * Whether touching this table's rows ahead pays: rows of at most {@value #TOUCH_MAX_DIM} floats (8 cache lines),
     * whose updates are too short to overlap the next row's misses themselves. Measured: 1.10x at d 100; at d 400 the
     * touches cost 3% (docs/BENCHMARKS.md, "Side by side again, and the d-100 step").
     */
    public boolean touchPays() {
        return dim <= TOUCH_MAX_DIM;
    }

    /** {@link #touch(int)} of rows {@code ids[0, count)}. */
    public float touch(int[] ids, int count) {
        float acc = 0f;
        for (int i = 0; i < count; i++) {
            acc += touch(ids[i]);
        }
        return acc;
    }

    /** The array that holds row {@code row}'s embedding, from {@link #dataOffset(int)} on for {@link #dim()} floats. */
    public float[] data(int row) {
        return data[row >>> shift];
    }

    /** Where row {@code row}'s embedding starts in {@link #data(int)}. */
    public int dataOffset(int row) {
        return (row & mask) * dim;
    }

    /** The array that holds row {@code row}'s accumulator(s): one float, or dim floats when {@link #elementwise()}. */
    public float[] state(int row) {
        return state[row >>> shift];
    }

    /** Where row {@code row}'s accumulator(s) start in {@link #state(int)}. */
    public int stateOffset(int row) {
        return elementwise ? (row & mask) * dim : row & mask;
    }

    /** Number of segments (1 for tables up to {@link #MAX_SEGMENT_FLOATS} floats). */
    public int segments() {
        return data.length;
    }

    /** The rows of every segment but possibly the last: a power of two, or all rows when there is one segment. */
    public int rowsPerSegment() {
        return data.length == 1 ? rows : 1 << shift;
    }

    /** The first row of segment {@code s}. */
    public int segmentStart(int s) {
        return s << shift;
    }

    /** The rows of segment {@code s}. */
    public int segmentRows(int s) {
        return data[s].length / dim;
    }

    /** Segment {@code s}'s embeddings: its rows, row-major. */
    public float[] segmentData(int s) {
        return data[s];
    }

    /** Segment {@code s}'s accumulators, in row order. */
    public float[] segmentState(int s) {
        return state[s];
    }

    /** Rows below this index stay as they are: {@link io.embark.embedding.optim.Adagrad#rowUpdate} skips them. */
    public int frozenRows() {
        return frozenRows;
    }

    /** Keeps rows {@code [0, n)} fixed while training (the rows a warm start's init checkpoint trained). */
    public void freezeRowsBelow(int n) {
        if (n < 0 || n > rows) {
            throw new IllegalArgumentException("table " + entityType + "/" + partition + ": cannot freeze " + n + " of its " + rows + " rows");
        }
        frozenRows = n;
    }

    /**
     * Rows below this index are the ones a warm start's init checkpoint trained; those from here on are new entities
     * (all rows are known unless {@link #markKnownRows} said otherwise).
     */
    public int knownRows() {
        return knownRows;
    }

    /** Records that rows {@code [0, n)} are the ones the init checkpoint trained, the rest new entities. */
    public void markKnownRows(int n) {
        if (n < 0 || n > rows) {
            throw new IllegalArgumentException("table " + entityType + "/" + partition + ": " + n + " known rows of its " + rows);
        }
        knownRows = n;
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        float[] r = new float[dim];
        System.arraycopy(data(i), dataOffset(i), r, 0, dim);
        return r;
    }

    /** A deep copy, segmented as this table. */
    public EmbeddingTable copy() {
        float[][] d = new float[data.length][];
        float[][] s = new float[state.length][];
        for (int i = 0; i < data.length; i++) {
            d[i] = data[i].clone();
            s[i] = state[i].clone();
        }
        EmbeddingTable c = new EmbeddingTable(entityType, partition, rows, dim, elementwise, shift, d, s);
        c.frozenRows = frozenRows;
        c.knownRows = knownRows;
        return c;
    }
}
