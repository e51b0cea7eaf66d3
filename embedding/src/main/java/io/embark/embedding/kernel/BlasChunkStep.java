package io.embark.embedding.kernel;

import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.Loss;
import io.embark.embedding.model.Operator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.optim.Adagrad;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.Arrays;

/**
 * The fast CPU chunk step: the three matrix products of each direction (scores {@code S = Q C^T}, query gradients
 * {@code G C}, candidate gradients {@code G^T Q}) are single-threaded OpenBLAS sgemm calls on preallocated off-heap
 * buffers; gathering rows, operators, loss, scatter and Adagrad are plain loops over Java arrays. Nothing is allocated
 * per step.
 *
 * <p>One direction, say "predict the rhs" of a chunk of n edges with u uniform negatives:
 * <pre>
 *   q_i   = op_{r_i}(lhs_i)                      n x d   queries
 *   C     = [rhs_0 .. rhs_{n-1}; neg_0 .. neg_{u-1}]  (n+u) x d   candidates
 *   S     = cmp(Q C^T)                            n x (n+u)   S[i][i] is edge i's positive score
 *   L     = sum_i w_i loss(S[i][i], S[i][valid negatives])
 * </pre>
 * "Predict the lhs" is the same with the sides swapped and the reciprocal (or adjoint) operator. Gradients of both
 * directions are summed before any update, so the step descends the chunk's total loss.
 */
public final class BlasChunkStep implements ChunkStep {

    private final RelationParameters relations;
    private final StepSettings settings;
    private final int capacity;
    private final int uniformCapacity;
    private final int maxDim;
    private final int maxCandidates;

    private final Sgemm bufQ;
    private final Sgemm bufC;
    private final Sgemm bufS;
    private final Sgemm bufGQ;
    private final Sgemm bufGC;

    private final float[] q;
    private final float[] c;
    private final float[] s;
    private final float[] g;
    private final float[] gq;
    private final float[] gc;
    private final float[] qq;
    private final float[] cc;
    private final float[] gqq;
    private final float[] gcc;
    private final float[] qNorm;
    private final float[] cNorm;
    private final boolean[] valid;

    /** Gradients of the chunk's lhs rows, rhs rows, and uniform negatives of each side. */
    final float[] gradLhs;
    final float[] gradRhs;
    final float[] gradLhsNeg;
    final float[] gradRhsNeg;

    /** Relation gradients: a small pool of buffers, one per (relation, slot) touched by the chunk. */
    private final int[] poolIndex;
    private float[][] pool;
    private int[] poolKey;
    private int poolUsed;

    private double lastRegularization;

    public BlasChunkStep(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim) {
        this.relations = relations;
        this.settings = settings;
        this.capacity = capacity;
        this.uniformCapacity = uniformCapacity;
        this.maxDim = maxDim;
        this.maxCandidates = capacity + uniformCapacity;
        bufQ = new Sgemm((long) capacity * maxDim);
        bufC = new Sgemm((long) maxCandidates * maxDim);
        bufS = new Sgemm((long) capacity * maxCandidates);
        bufGQ = new Sgemm((long) capacity * maxDim);
        bufGC = new Sgemm((long) maxCandidates * maxDim);
        q = new float[capacity * maxDim];
        c = new float[maxCandidates * maxDim];
        s = new float[capacity * maxCandidates];
        g = new float[capacity * maxCandidates];
        gq = new float[capacity * maxDim];
        gc = new float[maxCandidates * maxDim];
        qq = new float[capacity];
        cc = new float[maxCandidates];
        gqq = new float[capacity];
        gcc = new float[maxCandidates];
        qNorm = new float[capacity];
        cNorm = new float[maxCandidates];
        valid = new boolean[maxCandidates];
        gradLhs = new float[capacity * maxDim];
        gradRhs = new float[capacity * maxDim];
        gradLhsNeg = new float[uniformCapacity * maxDim];
        gradRhsNeg = new float[uniformCapacity * maxDim];
        poolIndex = new int[relations.count() * relations.slots()];
        Arrays.fill(poolIndex, -1);
        pool = new float[0][];
        poolKey = new int[0];
    }

    @Override
    public double train(Chunk chunk) {
        double loss = computeGradients(chunk);
        applyUpdates(chunk);
        return loss;
    }

    /**
     * Computes the chunk's loss and leaves its gradients in this step's buffers without touching any parameter (the
     * gradient tests call this directly). Returns the weighted loss including regularization.
     */
    public double computeGradients(Chunk chunk) {
        check(chunk);
        int d = chunk.lhsTable.dim();
        int n = chunk.size;
        clearPool();
        Arrays.fill(gradLhs, 0, n * d, 0f);
        Arrays.fill(gradRhs, 0, n * d, 0f);
        if (settings.comparator().normalizes() || settings.comparator().needsNorms()) {
            Arrays.fill(gradLhsNeg, 0, chunk.lhsNegativeCount * d, 0f);
            Arrays.fill(gradRhsNeg, 0, chunk.rhsNegativeCount * d, 0f);
        }
        double loss = 0;
        lastRegularization = 0;
        if (settings.predictRhs()) {
            loss += direction(chunk, false);
        }
        if (settings.predictLhs()) {
            loss += direction(chunk, true);
        }
        return loss;
    }

    /** The regularization part of the last {@link #computeGradients} result. */
    public double lastRegularization() {
        return lastRegularization;
    }

    /** Applies row-wise Adagrad to every row the chunk touched and element-wise Adagrad to the relation parameters. */
    public void applyUpdates(Chunk chunk) {
        int d = chunk.lhsTable.dim();
        float lr = settings.learningRate();
        float maxNorm = settings.maxNorm();
        EmbeddingTable lt = chunk.lhsTable;
        EmbeddingTable rt = chunk.rhsTable;
        for (int i = 0; i < chunk.size; i++) {
            Adagrad.rowUpdate(lt.data(), lt.state(), chunk.lhs[i], d, gradLhs, i * d, lr, maxNorm);
            Adagrad.rowUpdate(rt.data(), rt.state(), chunk.rhs[i], d, gradRhs, i * d, lr, maxNorm);
        }
        if (settings.predictLhs()) {
            for (int j = 0; j < chunk.lhsNegativeCount; j++) {
                Adagrad.rowUpdate(lt.data(), lt.state(), chunk.lhsNegatives[j], d, gradLhsNeg, j * d, lr, maxNorm);
            }
        }
        if (settings.predictRhs()) {
            for (int j = 0; j < chunk.rhsNegativeCount; j++) {
                Adagrad.rowUpdate(rt.data(), rt.state(), chunk.rhsNegatives[j], d, gradRhsNeg, j * d, lr, maxNorm);
            }
        }
        if (settings.relationLearningRate() > 0) {
            for (int k = 0; k < poolUsed; k++) {
                int r = poolKey[k] / relations.slots();
                int slot = poolKey[k] % relations.slots();
                float[] p = relations.params(r, slot);
                Adagrad.elementUpdate(p, relations.state(r, slot), pool[k], p.length, settings.relationLearningRate());
            }
        }
    }

    /** The gradient accumulated for relation r's parameter slot by the last computeGradients, or null if untouched. */
    public float[] relationGradient(int r, int slot) {
        int k = poolIndex[r * relations.slots() + slot];
        return k < 0 ? null : pool[k];
    }

    private void check(Chunk chunk) {
        int d = chunk.lhsTable.dim();
        if (chunk.rhsTable.dim() != d || d > maxDim) {
            throw new IllegalArgumentException("chunk tables have dimensions " + d + " and " + chunk.rhsTable.dim()
                    + " (expected equal and at most " + maxDim + ")");
        }
        if (chunk.size > capacity || chunk.lhsNegativeCount > uniformCapacity || chunk.rhsNegativeCount > uniformCapacity) {
            throw new IllegalArgumentException("chunk of " + chunk.size + " edges and " + chunk.lhsNegativeCount + " / " + chunk.rhsNegativeCount
                    + " uniform negatives exceeds this step's capacity " + capacity + " / " + uniformCapacity);
        }
    }

    private double direction(Chunk chunk, boolean predictLhs) {
        final int n = chunk.size;
        final int d = chunk.lhsTable.dim();
        final int u = predictLhs ? chunk.lhsNegativeCount : chunk.rhsNegativeCount;
        final int m = n + u;
        final EmbeddingTable src = predictLhs ? chunk.rhsTable : chunk.lhsTable;
        final EmbeddingTable cand = predictLhs ? chunk.lhsTable : chunk.rhsTable;
        final int[] srcIds = predictLhs ? chunk.rhs : chunk.lhs;
        final int[] candIds = predictLhs ? chunk.lhs : chunk.rhs;
        final int[] negIds = predictLhs ? chunk.lhsNegatives : chunk.rhsNegatives;
        final float[] gradSrc = predictLhs ? gradRhs : gradLhs;
        final float[] gradCand = predictLhs ? gradLhs : gradRhs;
        final float[] gradNeg = predictLhs ? gradLhsNeg : gradRhsNeg;
        final int slot = relations.slot(predictLhs);
        final boolean adjoint = relations.adjoint(predictLhs);
        final Comparator cmp = settings.comparator();
        final float[] srcData = src.data();
        final float[] candData = cand.data();

        // queries
        for (int i = 0; i < n; i++) {
            int r = chunk.relation[i];
            relations.operator(r).apply(relations.params(r, slot), 0, srcData, srcIds[i] * d, q, i * d, d, adjoint);
        }
        // candidates: the chunk's own entities of the predicted side, then the uniform negatives. The dot comparator
        // needs no Java copy of them: rows go straight from the table into the BLAS buffer.
        final boolean plain = !cmp.normalizes() && !cmp.needsNorms();
        if (plain) {
            for (int j = 0; j < n; j++) {
                bufC.buffer.put(j * d, candData, candIds[j] * d, d);
            }
            for (int j = 0; j < u; j++) {
                bufC.buffer.put((n + j) * d, candData, negIds[j] * d, d);
            }
        } else {
            for (int j = 0; j < n; j++) {
                System.arraycopy(candData, candIds[j] * d, c, j * d, d);
            }
            for (int j = 0; j < u; j++) {
                System.arraycopy(candData, negIds[j] * d, c, (n + j) * d, d);
            }
        }
        if (cmp.normalizes()) {
            for (int i = 0; i < n; i++) {
                qNorm[i] = Comparator.normalize(q, i * d, d);
            }
            for (int j = 0; j < m; j++) {
                cNorm[j] = Comparator.normalize(c, j * d, d);
            }
        }
        if (cmp.needsNorms()) {
            squaredNorms(q, n, d, qq);
            squaredNorms(c, m, d, cc);
        }
        bufQ.put(q, n * d);
        if (!plain) {
            bufC.put(c, m * d);
        }
        Sgemm.multiply(bufQ, false, bufC, true, bufS, n, m, d);
        bufS.get(s, n * m);
        cmp.scores(s, n, m, m, qq, cc);

        // loss and dL/dS
        double loss = 0;
        final Loss lossFn = settings.loss();
        final boolean batch = settings.batchNegatives();
        for (int i = 0; i < n; i++) {
            int pos = candIds[i];
            for (int j = 0; j < n; j++) {
                valid[j] = batch && j != i && candIds[j] != pos;
            }
            for (int j = 0; j < u; j++) {
                valid[n + j] = negIds[j] != pos;
            }
            float w = chunk.weight[i] * relations.weight(chunk.relation[i]);
            loss += lossFn.row(s, i * m, m, i, valid, w, settings.margin(), g, i * m);
        }
        Arrays.fill(gqq, 0, n, 0f);
        Arrays.fill(gcc, 0, m, 0f);
        cmp.backward(s, g, n, m, m, gqq, gcc);

        // dL/dQ = G C, dL/dC = G^T Q
        bufS.put(g, n * m);
        Sgemm.multiply(bufS, false, bufC, false, bufGQ, n, d, m);
        Sgemm.multiply(bufS, true, bufQ, false, bufGC, m, d, n);
        bufGQ.get(gq, n * d);
        if (plain) {
            // the uniform negatives' rows of dL/dC are final: read them straight into their gradient (no other
            // direction or term adds to them)
            bufGC.buffer.get(0, gc, 0, n * d);
            bufGC.buffer.get(n * d, gradNeg, 0, u * d);
        } else {
            bufGC.get(gc, m * d);
        }
        if (cmp.needsNorms()) {
            addScaledRows(gq, q, gqq, n, d);
            addScaledRows(gc, c, gcc, m, d);
        }
        if (cmp.normalizes()) {
            for (int i = 0; i < n; i++) {
                Comparator.normalizeBackward(q, i * d, qNorm[i], gq, i * d, d);
            }
            for (int j = 0; j < m; j++) {
                Comparator.normalizeBackward(c, j * d, cNorm[j], gc, j * d, d);
            }
        }
        // through the operators to the source rows and relation parameters
        for (int i = 0; i < n; i++) {
            int r = chunk.relation[i];
            relations.operator(r).backward(relations.params(r, slot), 0, srcData, srcIds[i] * d, gq, i * d,
                    gradSrc, i * d, relationGrad(r, slot), 0, d, adjoint);
        }
        for (int k = 0; k < n * d; k++) {
            gradCand[k] += gc[k];
        }
        if (!plain) {
            for (int k = 0; k < u * d; k++) {
                gradNeg[k] += gc[n * d + k];
            }
        }
        if (settings.n3() > 0f) {
            double reg = 0;
            for (int i = 0; i < n; i++) {
                int r = chunk.relation[i];
                Operator op = relations.operator(r);
                float coef = settings.n3() * chunk.weight[i] * relations.weight(r);
                reg += n3(srcData, srcIds[i] * d, d, op.complex(), coef, gradSrc, i * d);
                reg += n3(candData, candIds[i] * d, d, op.complex(), coef, gradCand, i * d);
                float[] p = relations.params(r, slot);
                reg += n3(p, 0, p.length, op.complex(), coef, relationGrad(r, slot), 0);
            }
            lastRegularization += reg;
            loss += reg;
        }
        return loss;
    }

    /**
     * {@code coef * sum |x|^3} over {@code v[off, off+len)} (complex moduli when {@code complex}: entry k pairs with
     * k + len/2); adds its gradient {@code 3 coef |x| x} (per component, |x| the modulus) to {@code grad}.
     */
    static double n3(float[] v, int off, int len, boolean complex, float coef, float[] grad, int gOff) {
        double sum = 0;
        if (complex) {
            int h = len / 2;
            for (int k = 0; k < h; k++) {
                float re = v[off + k];
                float im = v[off + h + k];
                float mod = (float) Math.sqrt(re * re + im * im);
                sum += (double) mod * mod * mod;
                grad[gOff + k] += 3f * coef * mod * re;
                grad[gOff + h + k] += 3f * coef * mod * im;
            }
        } else {
            for (int k = 0; k < len; k++) {
                float x = v[off + k];
                float a = Math.abs(x);
                sum += (double) a * a * a;
                grad[gOff + k] += 3f * coef * a * x;
            }
        }
        return coef * sum;
    }

    private static void squaredNorms(float[] v, int rows, int d, float[] out) {
        for (int i = 0; i < rows; i++) {
            float ss = 0f;
            int off = i * d;
            for (int k = 0; k < d; k++) {
                ss += v[off + k] * v[off + k];
            }
            out[i] = ss;
        }
    }

    /** {@code grad_i += 2 scale_i v_i}: the gradient through a squared norm. */
    private static void addScaledRows(float[] grad, float[] v, float[] scale, int rows, int d) {
        for (int i = 0; i < rows; i++) {
            float a = 2f * scale[i];
            if (a == 0f) {
                continue;
            }
            int off = i * d;
            for (int k = 0; k < d; k++) {
                grad[off + k] += a * v[off + k];
            }
        }
    }

    private float[] relationGrad(int r, int slot) {
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

    private void clearPool() {
        for (int k = 0; k < poolUsed; k++) {
            poolIndex[poolKey[k]] = -1;
        }
        poolUsed = 0;
    }

    @Override
    public void close() {
        bufQ.close();
        bufC.close();
        bufS.close();
        bufGQ.close();
        bufGC.close();
    }
}
