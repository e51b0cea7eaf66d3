package io.embark.embedding.kernel;

import io.embark.embedding.model.Comparator;
import io.embark.embedding.storage.EmbeddingTable;

/**
 * Scores a batch of query vectors against every row of a table with one sgemm per block of rows: {@code scores[i * rows
 * + j] = cmp(query_i, row_j)}. A block is a run of rows inside one table segment, at most
 * {@link EmbeddingTable#MAX_SEGMENT_FLOATS} floats; a table of one block (every table up to that size) is copied into
 * the off-heap buffer once and reused while the same table is scored again (evaluation scores many batches against
 * one table), a larger one streams its blocks through the buffer for every batch. Not thread-safe; one per thread.
 */
public final class BatchScorer implements AutoCloseable {

    private final Comparator comparator;
    private final int maxQueries;
    private final int maxDim;
    /** Rows of one block: the most rows the off-heap buffers hold at once. */
    private final int blockRows;
    private final Sgemm bufQ;
    private final Sgemm bufT;
    private final Sgemm bufS;
    private final float[] q;
    private final float[] qq;
    private float[] cc = new float[0];
    private EmbeddingTable loaded;
    /** The first row of the block in bufT (-1: none). */
    private int loadedBlock = -1;

    /** A scorer for up to {@code maxQueries} queries against tables of up to {@code maxRows} rows of dimension {@code maxDim}. */
    public BatchScorer(Comparator comparator, int maxQueries, int maxRows, int maxDim) {
        this(comparator, maxQueries, maxRows, maxDim, EmbeddingTable.MAX_SEGMENT_FLOATS / maxDim);
    }

    /** As the public constructor, with blocks of at most {@code blockRows} rows (tests force several blocks). */
    BatchScorer(Comparator comparator, int maxQueries, int maxRows, int maxDim, int blockRows) {
        this.comparator = comparator;
        this.maxQueries = maxQueries;
        this.maxDim = maxDim;
        this.blockRows = Math.max(1, Math.min(maxRows, blockRows));
        bufQ = new Sgemm((long) maxQueries * maxDim);
        bufT = new Sgemm((long) this.blockRows * maxDim);
        bufS = new Sgemm((long) maxQueries * this.blockRows);
        q = new float[maxQueries * maxDim];
        qq = new float[maxQueries];
    }

    /** Scores {@code count} queries (row-major in {@code queries}, the table's dimension) against every row of {@code table}. */
    public void score(float[] queries, int count, EmbeddingTable table, float[] scores) {
        int d = table.dim();
        if (count > maxQueries || d > maxDim) {
            throw new IllegalArgumentException(count + " queries of dimension " + d + " exceed this scorer's batch of "
                    + maxQueries + " of dimension " + maxDim);
        }
        int rows = table.rows();
        if (loaded != table) {
            cc = squaredNorms(table);
            loaded = table;
            loadedBlock = -1;
        }
        System.arraycopy(queries, 0, q, 0, count * d);
        for (int i = 0; i < count; i++) {
            if (comparator.normalizes()) {
                Comparator.normalize(q, i * d, d);
            }
            float s = 0f;
            for (int k = 0; k < d; k++) {
                s += q[i * d + k] * q[i * d + k];
            }
            qq[i] = s;
        }
        bufQ.put(q, count * d);
        for (int seg = 0; seg < table.segments(); seg++) {
            int segStart = table.segmentStart(seg);
            int segRows = table.segmentRows(seg);
            for (int from = 0; from < segRows; from += blockRows) {
                int n = Math.min(blockRows, segRows - from);
                if (loadedBlock != segStart + from) {
                    load(table, seg, from, n);
                    loadedBlock = segStart + from;
                }
                Sgemm.multiply(bufQ, false, bufT, true, bufS, count, n, d);
                if (n == rows) {
                    bufS.get(scores, count * rows);
                } else {
                    for (int i = 0; i < count; i++) {
                        bufS.buffer.get(i * n, scores, i * rows + segStart + from, n);
                    }
                }
            }
        }
        comparator.scores(scores, count, rows, rows, qq, cc);
    }

    /** Copies rows {@code [from, from + n)} of segment {@code seg} into the off-heap buffer (normalized for cosine). */
    private void load(EmbeddingTable table, int seg, int from, int n) {
        int d = table.dim();
        float[] data = table.segmentData(seg);
        if (comparator.normalizes()) {
            float[] row = new float[d];
            for (int j = 0; j < n; j++) {
                System.arraycopy(data, (from + j) * d, row, 0, d);
                Comparator.normalize(row, 0, d);
                bufT.buffer.put(j * d, row, 0, d);
            }
        } else {
            bufT.buffer.put(0, data, from * d, n * d);
        }
    }

    private static float[] squaredNorms(EmbeddingTable table) {
        int d = table.dim();
        float[] out = new float[table.rows()];
        for (int j = 0; j < out.length; j++) {
            float[] a = table.data(j);
            int off = table.dataOffset(j);
            float s = 0f;
            for (int k = 0; k < d; k++) {
                s += a[off + k] * a[off + k];
            }
            out[j] = s;
        }
        return out;
    }

    @Override
    public void close() {
        bufQ.close();
        bufT.close();
        bufS.close();
    }
}
