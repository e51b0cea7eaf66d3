package io.embark.embedding.kernel;

import io.embark.embedding.model.Comparator;
import io.embark.embedding.storage.EmbeddingTable;

/**
 * Scores a batch of query vectors against every row of a table with one sgemm: {@code scores[i * rows + j] =
 * cmp(query_i, row_j)}. The table is copied into an off-heap buffer once and reused while the same table is scored
 * again (evaluation scores many batches against one table). Not thread-safe; one per thread.
 */
public final class BatchScorer implements AutoCloseable {

    private final Comparator comparator;
    private final int maxQueries;
    private final Sgemm bufQ;
    private final Sgemm bufT;
    private final Sgemm bufS;
    private final float[] q;
    private final float[] qq;
    private float[] cc = new float[0];
    private EmbeddingTable loaded;

    public BatchScorer(Comparator comparator, int maxQueries, int maxRows, int maxDim) {
        this.comparator = comparator;
        this.maxQueries = maxQueries;
        bufQ = new Sgemm((long) maxQueries * maxDim);
        bufT = new Sgemm((long) maxRows * maxDim);
        bufS = new Sgemm((long) maxQueries * maxRows);
        q = new float[maxQueries * maxDim];
        qq = new float[maxQueries];
    }

    /** Scores {@code count} queries (row-major in {@code queries}, the table's dimension) against every row of {@code table}. */
    public void score(float[] queries, int count, EmbeddingTable table, float[] scores) {
        if (count > maxQueries) {
            throw new IllegalArgumentException(count + " queries exceed this scorer's batch of " + maxQueries);
        }
        int d = table.dim();
        int rows = table.rows();
        if (loaded != table) {
            float[] data = table.data();
            if (comparator.normalizes()) {
                float[] row = new float[d];
                for (int j = 0; j < rows; j++) {
                    System.arraycopy(data, j * d, row, 0, d);
                    Comparator.normalize(row, 0, d);
                    bufT.buffer.put(j * d, row, 0, d);
                }
            } else {
                bufT.buffer.put(0, data, 0, rows * d);
            }
            cc = new float[rows];
            for (int j = 0; j < rows; j++) {
                float s = 0f;
                for (int k = 0; k < d; k++) {
                    s += data[j * d + k] * data[j * d + k];
                }
                cc[j] = s;
            }
            loaded = table;
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
        Sgemm.multiply(bufQ, false, bufT, true, bufS, count, rows, d);
        bufS.get(scores, count * rows);
        comparator.scores(scores, count, rows, rows, qq, cc);
    }

    @Override
    public void close() {
        bufQ.close();
        bufT.close();
        bufS.close();
    }
}
