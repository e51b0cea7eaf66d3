package io.embark.embedding.kernel;

import io.embark.embedding.math.FloatMath;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.optim.Adagrad;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Limits;
import io.embark.partitioning.Side;
import java.util.Arrays;

/**
 * Sums the gradients of several chunks so that one optimizer step covers a whole batch, as PyTorch-BigGraph does
 * (batch_size 1000 = 20 chunks of 50): every row touched by the batch gets one row-wise Adagrad update with the sum of
 * its gradients, every relation parameter slot one element-wise update. Stepping per chunk instead updates a row once
 * per occurrence, 20x as many steps, each seeing a gradient of a single chunk.
 *
 * <p>Rows are kept sparsely (an open-addressing map from row to a slot of a growing gradient array), so the memory is
 * proportional to the rows one batch touches, not to the partition. The two sides' tables get separate maps unless
 * they are the same table. One accumulator per worker thread; nothing is allocated once its arrays have grown.
 */
public final class GradientAccumulator implements Optimizer {

    private final RelationParameters relations;
    private final StepSettings settings;
    private final RowGradients lhsRows;
    private final RowGradients rhsRows;
    private final float[][] relationGrad;
    private final int[] touched;
    private int touchedCount;
    private int chunks;

    public GradientAccumulator(RelationParameters relations, StepSettings settings) {
        this.relations = relations;
        this.settings = settings;
        lhsRows = new RowGradients();
        rhsRows = new RowGradients();
        relationGrad = new float[relations.count() * relations.slots()][];
        touched = new int[relations.count() * relations.slots()];
    }

    /** Chunks added since the last {@link #apply}. */
    public int chunks() {
        return chunks;
    }

    /** Whether {@code chunk} uses other tables than the chunks already added (then {@link #add} applies those first). */
    boolean tablesDiffer(Chunk chunk) {
        return chunks > 0 && (lhsRows.table != chunk.lhsTable || target(chunk).table != chunk.rhsTable);
    }

    /** Adds the gradients of {@code chunk}; applies those of the chunks before first when they used other tables. */
    @Override
    public void add(Chunk chunk, ChunkGradients step) {
        if (tablesDiffer(chunk)) {
            flush();
        }
        int d = chunk.lhsTable.dim();
        lhsRows.bind(chunk.lhsTable);
        RowGradients rhs = target(chunk);
        rhs.bind(chunk.rhsTable);
        for (int i = 0; i < chunk.size; i++) {
            lhsRows.add(chunk.lhs[i], step.lhs, i * d);
            rhs.add(chunk.rhs[i], step.rhs, i * d);
        }
        if (settings.predicts(Side.LHS)) {
            for (int j = 0; j < chunk.lhsNegativeCount; j++) {
                lhsRows.add(chunk.lhsNegatives[j], step.lhsNegatives, j * d);
            }
        }
        if (settings.predicts(Side.RHS) && !chunk.sharedNegatives) {
            for (int j = 0; j < chunk.rhsNegativeCount; j++) {
                rhs.add(chunk.rhsNegatives[j], step.rhsNegatives, j * d);
            }
        }
        for (int r = 0; r < relations.count(); r++) {
            for (int slot = 0; slot < relations.slots(); slot++) {
                float[] g = step.relationOrNull(r, slot);
                if (g == null) {
                    continue;
                }
                int key = r * relations.slots() + slot;
                int n = relations.params(r, slot).length;
                float[] acc = relationGrad[key];
                if (acc == null) {
                    acc = new float[n];
                    relationGrad[key] = acc;
                }
                if (!contains(key)) {
                    touched[touchedCount++] = key;
                }
                for (int k = 0; k < n; k++) {
                    acc[k] += g[k];
                }
            }
        }
        chunks++;
    }

    /** One Adagrad update of every accumulated row and relation slot; then empty. */
    @Override
    public void flush() {
        if (chunks == 0) {
            return;
        }
        float lr = settings.learningRate();
        float maxNorm = settings.maxNorm();
        lhsRows.apply(lr, maxNorm);
        if (rhsRows.table != null) {
            rhsRows.apply(lr, maxNorm);
        }
        float rlr = settings.relationLearningRate();
        for (int t = 0; t < touchedCount; t++) {
            int key = touched[t];
            int r = key / relations.slots();
            int slot = key % relations.slots();
            float[] p = relations.params(r, slot);
            float[] g = relationGrad[key];
            if (rlr > 0 && !relations.frozen(r)) {
                Adagrad.elementUpdate(p, relations.state(r, slot), g, p.length, rlr);
            }
            Arrays.fill(g, 0f);
        }
        touchedCount = 0;
        chunks = 0;
    }

    private RowGradients target(Chunk chunk) {
        return chunk.rhsTable == chunk.lhsTable ? lhsRows : rhsRows;
    }

    private boolean contains(int key) {
        for (int t = 0; t < touchedCount; t++) {
            if (touched[t] == key) {
                return true;
            }
        }
        return false;
    }

    /** The summed gradients of the rows of one table touched since the last apply. */
    private static final class RowGradients {
        /** Rows touched ahead of their update at a time: 64 rows of d 128 are 32 KB, inside L1 and L2. */
        private static final int TOUCH_BLOCK = 64;

        EmbeddingTable table;
        int dim;
        /** hash position -> slot + 1 (0 = empty) */
        int[] index = new int[1 << 12];
        int[] keys = new int[1 << 12];
        /** slot -> row, slot -> hash position */
        int[] rows = new int[1 << 10];
        int[] positions = new int[1 << 10];
        float[] grad = new float[0];
        int used;
        /** Where {@link #touch} leaves its sum, so that the JIT keeps its loads; never read. */
        float sink;

        void bind(EmbeddingTable t) {
            if (table != t) {
                table = t;
                dim = t.dim();
            }
        }

        /**
         * Adds {@code g[off, off+dim)} to row {@code row}'s sum: copied into a new slot, so that slots need no zeroing
         * (apply leaves them as they are), added to a slot the batch already has.
         */
        void add(int row, float[] g, int off) {
            int fresh = used;
            int s = slot(row); // first: finding a new slot may grow grad
            int base = s * dim;
            if (s == fresh) {
                System.arraycopy(g, off, grad, base, dim);
            } else {
                FloatMath.axpy(1f, g, off, grad, base, dim);
            }
        }

        private int slot(int row) {
            int mask = index.length - 1;
            int h = mix(row) & mask;
            while (true) {
                int v = index[h];
                if (v == 0) {
                    break;
                }
                if (keys[h] == row) {
                    return v - 1;
                }
                h = (h + 1) & mask;
            }
            if ((used + 1) * 2 > index.length) {
                grow();
                return slot(row);
            }
            int s = used++;
            if (s >= rows.length) {
                rows = Arrays.copyOf(rows, rows.length * 2);
                positions = Arrays.copyOf(positions, positions.length * 2);
            }
            if ((long) used * dim > grad.length) {
                if ((long) used * dim > Limits.MAX_ARRAY) {
                    throw new IllegalStateException("one optimizer step touches " + Limits.number(used)
                            + " rows of dimension " + dim + " in one table: more than one gradient array holds; lower training.batchSize");
                }
                grad = Arrays.copyOf(grad, (int) Math.min(Limits.MAX_ARRAY, Math.max((long) used * dim, 2L * grad.length)));
            }
            index[h] = s + 1;
            keys[h] = row;
            rows[s] = row;
            positions[s] = h;
            return s;
        }

        private static int mix(int row) {
            int h = row * 0x9E3779B1;
            return h ^ (h >>> 15);
        }

        private void grow() {
            int[] newIndex = new int[index.length * 2];
            int[] newKeys = new int[keys.length * 2];
            int mask = newIndex.length - 1;
            for (int s = 0; s < used; s++) {
                int h = mix(rows[s]) & mask;
                while (newIndex[h] != 0) {
                    h = (h + 1) & mask;
                }
                newIndex[h] = s + 1;
                newKeys[h] = rows[s];
                positions[s] = h;
            }
            index = newIndex;
            keys = newKeys;
        }

        void apply(float lr, float maxNorm) {
            if (table == null) {
                return;
            }
            for (int from = 0; from < used; from += TOUCH_BLOCK) {
                int to = Math.min(used, from + TOUCH_BLOCK);
                if (table.touchPays()) {
                    sink += touch(from, to);
                }
                for (int s = from; s < to; s++) {
                    int base = s * dim;
                    // the slot is not zeroed: its next row's first add overwrites it
                    Adagrad.rowUpdate(table, rows[s], grad, base, lr, maxNorm);
                    index[positions[s]] = 0;
                }
            }
            used = 0;
            table = null;
        }

        /** {@link EmbeddingTable#touch(int)} of the rows of slots {@code [from, to)}, just before their updates. */
        private float touch(int from, int to) {
            float acc = 0f;
            for (int s = from; s < to; s++) {
                acc += table.touch(rows[s]);
            }
            return acc;
        }
    }
}
