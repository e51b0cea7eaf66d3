package io.embark.embedding.optim;

import io.embark.embedding.math.FloatMath;
import io.embark.embedding.storage.EmbeddingTable;

/**
 * The two Adagrad variants of PyTorch-BigGraph.
 * <ul>
 *   <li>Row-wise (embeddings): one accumulator per row, {@code a += mean_k(g_k^2)}, then
 *       {@code x -= lr g / (sqrt(a) + 1e-10)}: one float of state per entity instead of dim.</li>
 *   <li>Element-wise (relation parameters; embeddings with {@code training.adagrad = elementwise}):
 *       {@code a_k += g_k^2}, {@code p_k -= lr g_k / (sqrt(a_k) + 1e-10)}.</li>
 * </ul>
 * Both are called without locks by HOGWILD threads; a lost update of an accumulator is as harmless as a lost update
 * of a parameter. A row-wise update that would make the accumulator infinite or NaN is refused with a
 * {@link NonFiniteGradientException} (the row would never train again); element-wise updates are not checked per
 * element, the trainer's per-chunk loss check stops those runs.
 */
public final class Adagrad {

    private static final float EPS = 1e-10f;

    private Adagrad() {
    }

    /**
     * Updates row {@code row} of {@code table} with the gradient {@code g[gOff, gOff+dim)}: row-wise or element-wise as
     * the table keeps its accumulators; when {@code maxNorm > 0} and the updated row is longer, scales it back to
     * {@code maxNorm}. Rows below the table's {@link EmbeddingTable#frozenRows()} are left alone. The row's place (segment array and offset) is resolved once here, not per element.
     *
     * @throws NonFiniteGradientException row-wise, when the accumulator would become infinite or NaN (nothing changed)
     */
    public static void rowUpdate(EmbeddingTable table, int row, float[] g, int gOff, float lr, float maxNorm) {
        if (row < table.frozenRows()) {
            return; // training.freeze = existing: a row the init checkpoint trained stays as it was, accumulator included
        }
        int dim = table.dim();
        float[] data = table.data(row);
        int off = table.dataOffset(row);
        float[] state = table.state(row);
        int stateOff = table.stateOffset(row);
        if (table.elementwise()) {
            FloatMath.adagrad(data, state, off, g, gOff, dim, lr, EPS);
        } else {
            float ss = sumOfSquares(g, gOff, dim);
            if (ss == 0f) {
                return;
            }
            float a = state[stateOff] + ss / dim;
            if (!(a < Float.POSITIVE_INFINITY)) {
                // one compare per row, not per element: an infinite accumulator would freeze the row for good
                throw new NonFiniteGradientException("row " + row + " of table " + table.entityType() + " partition " + table.partition()
                        + ": gradient sum of squares " + ss + " makes its Adagrad accumulator " + a);
            }
            state[stateOff] = a;
            float step = lr / ((float) Math.sqrt(a) + EPS);
            FloatMath.axpy(-step, g, gOff, data, off, dim);
        }
        if (maxNorm > 0f) {
            float nn = sumOfSquares(data, off, dim);
            if (nn > maxNorm * maxNorm) {
                float scale = maxNorm / (float) Math.sqrt(nn);
                for (int k = 0; k < dim; k++) {
                    data[off + k] *= scale;
                }
            }
        }
    }

    /**
     * Element-wise Adagrad over {@code p[0, n)} with gradient {@code g[0, n)} ({@link FloatMath#adagrad}); an element
     * whose gradient is 0 keeps its value and accumulator (the update adds 0 to both).
     */
    public static void elementUpdate(float[] p, float[] state, float[] g, int n, float lr) {
        FloatMath.adagrad(p, state, 0, g, 0, n, lr, EPS);
    }

    /** {@code sum v[k]^2} over {@code v[off, off+len)} (vectorized where the JVM allows: {@link FloatMath}). */
    public static float sumOfSquares(float[] v, int off, int len) {
        return FloatMath.sumOfSquares(v, off, len);
    }
}
