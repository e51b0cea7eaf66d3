package io.embark.embedding.kernel;

import io.embark.embedding.config.OperatorType;
import io.embark.embedding.math.FloatMath;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.Loss;
import io.embark.embedding.model.Operator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Limits;
import io.embark.partitioning.Side;
import java.util.Arrays;

/**
 * The fast CPU chunk step: the three matrix products of each direction (scores {@code S = Q C^T}, query gradients
 * {@code G C}, candidate gradients {@code G^T Q}) are single-threaded OpenBLAS sgemm calls on preallocated off-heap
 * buffers; gathering rows, operators, loss and scatter are plain loops over Java arrays. Nothing is allocated
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
 *
 * <p>When the chunk's two sides share one set of negatives ({@link Chunk#sharedNegatives}), both directions are one
 * pass: {@code Q = [Q_rhs; Q_lhs]} (2n rows) against {@code C = [rhs_0 .. rhs_{n-1}; lhs_0 .. lhs_{n-1}; neg_0 ..
 * neg_{u-1}]}, so the negatives are gathered once, the products have twice the rows (faster per flop on these thin
 * shapes), and each negative row gets one update with both directions' gradient.
 *
 * <p>When no relation transforms its side (operator {@code none} everywhere), the comparator is the dot product and
 * the chunk's edges are each other's negatives, the two directions' batch blocks are one matrix: predicting the rhs
 * scores {@code L R^T}, predicting the lhs {@code R L^T}, its transpose. {@link #pairedPass} computes it once and
 * sums the two directions' gradients of it before the products that use them, a quarter fewer flops than two passes
 * (the d-100 large-graph config: {@code n = 50} edges, 50 negatives per side).
 */
public final class BlasChunkStep implements ChunkStep {

    private final RelationParameters relations;
    private final StepSettings settings;
    private final int capacity;
    private final int uniformCapacity;
    private final int maxDim;
    private final int maxCandidates;
    /** Directions one pass can score: 2 when chunks may share their negatives between the sides, else 1. */
    private final int maxBlocks;
    /** Whether chunks take {@link #pairedPass} ({@link #pairable}). */
    private final boolean paired;

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
    /** An index of the pass's negatives by entity (open chains), to find the ones equal to a row's positive. */
    private final int[] negHead;
    private final int[] negNext;
    private final int negShift;

    /** The most negatives a pass touches ahead of copying them: 256 rows of d 128 are 128 KB, inside L2. */
    private static final int TOUCH_LIMIT = 256;
    /** Where {@link EmbeddingTable#touch} sums go, so that the JIT keeps their loads; never read. */
    private float sink;

    /** Where the chunk being computed leaves its gradients. */
    private ChunkGradients out;

    private double lastRegularization;

    private final Direction predictingLhs;
    private final Direction predictingRhs;

    /** The relation-prediction term's buffers; null when it is off. */
    private final RelationPrediction relationPrediction;

    public BlasChunkStep(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim) {
        this.relations = relations;
        this.settings = settings;
        this.capacity = capacity;
        this.uniformCapacity = uniformCapacity;
        this.maxDim = maxDim;
        this.maxBlocks = settings.sharedNegatives() ? 2 : 1;
        long largest = largestBuffer(capacity, uniformCapacity + (settings.queryEntityNegatives() ? capacity : 0), maxDim,
                settings.sharedNegatives());
        if (largest > Limits.MAX_ARRAY) {
            throw new IllegalArgumentException("a chunk step for " + capacity + " edges, " + Limits.number(uniformCapacity)
                    + " negatives and dimension " + maxDim + " needs a buffer of " + Limits.number(largest) + " floats, more than "
                    + Limits.number(Limits.MAX_ARRAY) + " (TrainingLimits refuses such a config by its keys)");
        }
        // the paired pass's buffers are twice a one-direction pass's; where that would not fit an array, two passes
        this.paired = pairable(relations, settings)
                && 2L * (capacity + uniformCapacity) * Math.max(maxDim, capacity) <= Limits.MAX_ARRAY;
        int maxRows = maxBlocks * capacity;
        // one-direction passes append each edge's query entity as a candidate (two-direction passes have it already:
        // it is the other direction's own candidate)
        this.maxCandidates = maxRows + uniformCapacity + (settings.queryEntityNegatives() ? capacity : 0);
        // the paired pass: rows [U_l; L; R; U_r] in bufC, both directions' scores in bufS, s and g, both directions'
        // query and negative gradients in bufGQ and bufGC (twice a one-direction pass's buffers)
        int pairRows = paired ? 2 * (capacity + uniformCapacity) : 0;
        int pairScores = paired ? 2 * capacity * (capacity + uniformCapacity) : 0;
        bufQ = new Sgemm((long) maxRows * maxDim);
        bufC = new Sgemm((long) Math.max(maxCandidates, pairRows) * maxDim);
        bufS = new Sgemm(Math.max((long) maxRows * maxCandidates, pairScores));
        bufGQ = new Sgemm((long) Math.max(maxRows, paired ? 2 * capacity : 0) * maxDim);
        bufGC = new Sgemm((long) Math.max(maxCandidates, paired ? 2 * uniformCapacity : 0) * maxDim);
        q = new float[maxRows * maxDim];
        c = new float[maxCandidates * maxDim];
        s = new float[Math.max(maxRows * maxCandidates, pairScores)];
        g = new float[Math.max(maxRows * maxCandidates, pairScores)];
        gq = new float[Math.max(maxRows, paired ? 2 * capacity : 0) * maxDim];
        gc = new float[maxCandidates * maxDim];
        qq = new float[maxRows];
        cc = new float[maxCandidates];
        gqq = new float[maxRows];
        gcc = new float[maxCandidates];
        qNorm = new float[maxRows];
        cNorm = new float[maxCandidates];
        valid = new boolean[maxCandidates];
        negHead = new int[Integer.highestOneBit(Math.max(1, uniformCapacity)) * 4];
        negShift = 32 - Integer.numberOfTrailingZeros(negHead.length);
        Arrays.fill(negHead, -1);
        negNext = new int[Math.max(1, uniformCapacity)];
        predictingLhs = new Direction(Side.LHS);
        predictingRhs = new Direction(Side.RHS);
        relationPrediction = settings.relationPrediction() > 0f ? new RelationPrediction(capacity, maxDim) : null;
    }

    /**
     * The longest buffer (floats, or ints of the negatives' index) of a step for chunks of {@code capacity} edges with up
     * to {@code uniformCapacity} negatives per side, of dimension up to {@code maxDim}: the candidates' rows
     * ({@code (blocks * capacity + uniformCapacity) x maxDim}) or the score matrix ({@code blocks * capacity} x that many
     * candidates), where blocks = 2 with shared negatives. It must stay within {@link Limits#MAX_ARRAY}: in
     * all-negatives mode uniformCapacity is a whole partition's rows, so this bounds the partition size.
     */
    public static long largestBuffer(int capacity, int uniformCapacity, int maxDim, boolean sharedNegatives) {
        long rows = (sharedNegatives ? 2L : 1L) * capacity;
        long candidates = rows + uniformCapacity;
        long negativeIndex = 4L * Integer.highestOneBit(Math.max(1, uniformCapacity));
        return Math.max(Math.max(candidates * maxDim, rows * candidates), negativeIndex);
    }

    @Override
    public double computeGradients(Chunk chunk, ChunkGradients gradients) {
        check(chunk);
        int d = chunk.lhsTable.dim();
        int n = chunk.size;
        out = gradients;
        gradients.start(n, d);
        if (settings.comparator().normalizes() || settings.comparator().needsNorms()) {
            Arrays.fill(gradients.lhsNegatives, 0, chunk.lhsNegativeCount * d, 0f);
            Arrays.fill(gradients.rhsNegatives, 0, chunk.rhsNegativeCount * d, 0f);
        }
        double loss = 0;
        lastRegularization = 0;
        predictingLhs.bind(chunk, gradients);
        predictingRhs.bind(chunk, gradients);
        if (paired) {
            loss += pairedPass(chunk);
        } else if (chunk.sharedNegatives) {
            loss += pass(chunk, Side.RHS, 2);
        } else {
            if (settings.predicts(Side.RHS)) {
                loss += pass(chunk, Side.RHS, 1);
            }
            if (settings.predicts(Side.LHS)) {
                loss += pass(chunk, Side.LHS, 1);
            }
        }
        if (relationPrediction != null) {
            loss += relationPrediction.pass(chunk);
        }
        return loss;
    }

    /** The regularization part of the last {@link #computeGradients} result. */
    public double lastRegularization() {
        return lastRegularization;
    }

    private void check(Chunk chunk) {
        int d = chunk.lhsTable.dim();
        if (chunk.rhsTable.dim() != d || d > maxDim) {
            throw new IllegalArgumentException("chunk tables have dimensions " + d + " and " + chunk.rhsTable.dim()
                    + " (expected equal and at most " + maxDim + ")");
        }
        if (chunk.sharedNegatives && (maxBlocks < 2 || chunk.lhsTable != chunk.rhsTable)) {
            throw new IllegalArgumentException("chunk shares its negatives between the sides, but this step was built for "
                    + (maxBlocks < 2 ? "separate negatives (StepSettings.sharedNegatives = false)" : "one table per side"));
        }
        if (chunk.size > capacity || chunk.lhsNegativeCount > uniformCapacity || chunk.rhsNegativeCount > uniformCapacity) {
            throw new IllegalArgumentException("chunk of " + chunk.size + " edges and " + chunk.lhsNegativeCount + " / " + chunk.rhsNegativeCount
                    + " uniform negatives exceeds this step's capacity " + capacity + " / " + uniformCapacity);
        }
    }

    /**
     * Scores {@code blocks} directions in one pass: block 0 predicts side {@code first},
     * block 1 (only with shared negatives) the other side. Rows of Q: n queries per block. Rows of C: the chunk's
     * own candidates of each block (n each), then the u negatives that all blocks share. A block's queries are scored
     * against its own candidates and the negatives; the cells pairing a block's queries with another block's own
     * candidates are computed by the product but are not valid negatives (the loss ignores them, their gradient is 0).
     */
    private double pass(Chunk chunk, Side first, int blocks) {
        final int n = chunk.size;
        final int d = chunk.lhsTable.dim();
        final int rows = blocks * n; // query rows, and the candidates that are the chunk's rows rows
        final int[] negIds = first.pick(chunk.lhsNegatives, chunk.rhsNegatives);
        final int u = first.pick(chunk.lhsNegativeCount, chunk.rhsNegativeCount);
        final EmbeddingTable negTable = first.pick(chunk.lhsTable, chunk.rhsTable);
        final EmbeddingTable srcTable = first.other().pick(chunk.lhsTable, chunk.rhsTable);
        // the query entity as one more negative: only where evaluation has it among the candidates (one entity type
        // on both sides), and not where the negatives are the whole partition that holds it already
        final boolean queryNegatives = settings.queryEntityNegatives()
                && srcTable.entityType().equals(negTable.entityType())
                && !(srcTable == negTable && u == negTable.rows());
        // one direction: the n query entities are appended as candidates [rows + u, rows + u + n); two directions:
        // edge i's query entity is the other direction's own candidate i
        final int selfBase = rows + u;
        final int m = rows + u + (queryNegatives && blocks == 1 ? n : 0);
        final float[] gradNeg = first == Side.LHS || blocks == 2 ? out.lhsNegatives : out.rhsNegatives;
        final Comparator cmp = settings.comparator();
        final float queryMargin = settings.queryMargin();

        // the random rows this pass reads, touched together first where that pays (EmbeddingTable#touch, #touchPays);
        // not negatives by the thousand, which would push each other out of the cache before their copy
        if (negTable.touchPays()) {
            for (int b = 0; b < blocks; b++) {
                Direction side = direction(first, b);
                sink += side.src.touch(side.srcIds, n) + side.cand.touch(side.candIds, n);
            }
            if (u <= TOUCH_LIMIT) {
                sink += negTable.touch(negIds, u);
            }
        }
        // queries
        for (int b = 0; b < blocks; b++) {
            Direction side = direction(first, b);
            for (int i = 0; i < n; i++) {
                int r = chunk.relation[i];
                int id = side.srcIds[i];
                relations.operator(r).apply(relations.params(r, side.slot), 0, side.src.data(id), side.src.dataOffset(id),
                        q, (b * n + i) * d, d, side.adjoint);
            }
        }
        // candidates: each block's rows entities of the predicted side, then the negatives. The dot comparator needs no
        // Java copy of them: rows go straight from the table into the BLAS buffer.
        final boolean plain = !cmp.normalizes() && !cmp.needsNorms();
        for (int b = 0; b < blocks; b++) {
            Direction side = direction(first, b);
            for (int j = 0; j < n; j++) {
                int id = side.candIds[j];
                if (plain) {
                    bufC.buffer.put((b * n + j) * d, side.cand.data(id), side.cand.dataOffset(id), d);
                } else {
                    System.arraycopy(side.cand.data(id), side.cand.dataOffset(id), c, (b * n + j) * d, d);
                }
            }
        }
        for (int j = 0; j < u; j++) {
            int id = negIds[j];
            if (plain) {
                bufC.buffer.put((rows + j) * d, negTable.data(id), negTable.dataOffset(id), d);
            } else {
                System.arraycopy(negTable.data(id), negTable.dataOffset(id), c, (rows + j) * d, d);
            }
        }
        if (m > selfBase) {
            Direction side = direction(first, 0);
            for (int i = 0; i < n; i++) {
                int id = side.srcIds[i];
                if (plain) {
                    bufC.buffer.put((selfBase + i) * d, side.src.data(id), side.src.dataOffset(id), d);
                } else {
                    System.arraycopy(side.src.data(id), side.src.dataOffset(id), c, (selfBase + i) * d, d);
                }
            }
        }
        if (cmp.normalizes()) {
            for (int i = 0; i < rows; i++) {
                qNorm[i] = Comparator.normalize(q, i * d, d);
            }
            for (int j = 0; j < m; j++) {
                cNorm[j] = Comparator.normalize(c, j * d, d);
            }
        }
        if (cmp.needsNorms()) {
            squaredNorms(q, rows, d, qq);
            squaredNorms(c, m, d, cc);
        }
        bufQ.put(q, rows * d);
        if (!plain) {
            bufC.put(c, m * d);
        }
        Sgemm.multiply(bufQ, false, bufC, true, bufS, rows, m, d);
        bufS.get(s, rows * m);
        cmp.scores(s, rows, m, m, qq, cc);

        // loss and dL/dS
        double loss = 0;
        final Loss lossFn = settings.loss();
        final boolean batch = settings.batchNegatives();
        // every negative is valid except the ones equal to the row's positive: found through the index, marked
        // invalid for that row only
        indexNegatives(negIds, u);
        Arrays.fill(valid, rows, selfBase, true);
        Arrays.fill(valid, selfBase, m, false);
        for (int b = 0; b < blocks; b++) {
            Direction side = direction(first, b);
            int[] candIds = side.candIds;
            Arrays.fill(valid, 0, rows, false);
            for (int i = 0; i < n; i++) {
                int pos = candIds[i];
                for (int j = 0; j < n; j++) {
                    valid[b * n + j] = batch && j != i && candIds[j] != pos;
                }
                // the query entity's column: appended (one direction) or the other direction's candidate i
                int self = !queryNegatives ? -1 : blocks == 1 ? selfBase + i : (1 - b) * n + i;
                if (self >= 0) {
                    // an id names the same entity only in the same table (partition)
                    valid[self] = srcTable != negTable || side.srcIds[i] != pos;
                }
                markNegatives(negIds, pos, rows, false);
                int row = b * n + i;
                float w = chunk.weight[i] * relations.weight(chunk.relation[i]);
                // the query entity's columns count queryMargin higher in the loss (undone after: s stays the scores)
                boolean shift = queryMargin != 0f && (srcTable != negTable || side.srcIds[i] != pos);
                if (shift) {
                    shiftQuery(row * m, b * n, side, i, n, negIds, rows, self, srcTable == negTable, queryMargin);
                }
                loss += lossFn.row(s, row * m, m, row, valid, w, settings.margin(), g, row * m);
                if (shift) {
                    shiftQuery(row * m, b * n, side, i, n, negIds, rows, self, srcTable == negTable, -queryMargin);
                }
                markNegatives(negIds, pos, rows, true);
                if (self >= 0) {
                    valid[self] = false;
                }
            }
        }
        clearNegativeIndex(negIds, u);
        Arrays.fill(gqq, 0, rows, 0f);
        Arrays.fill(gcc, 0, m, 0f);
        cmp.backward(s, g, rows, m, m, gqq, gcc);

        // dL/dQ = G C, dL/dC = G^T Q
        bufS.put(g, rows * m);
        Sgemm.multiply(bufS, false, bufC, false, bufGQ, rows, d, m);
        Sgemm.multiply(bufS, true, bufQ, false, bufGC, m, d, rows);
        bufGQ.get(gq, rows * d);
        if (plain) {
            // the negatives' rows of dL/dC are final: read them straight into their gradient (no other pass or term
            // adds to them)
            bufGC.buffer.get(0, gc, 0, rows * d);
            bufGC.buffer.get(rows * d, gradNeg, 0, u * d);
            bufGC.buffer.get(selfBase * d, gc, selfBase * d, (m - selfBase) * d);
        } else {
            bufGC.get(gc, m * d);
        }
        if (cmp.needsNorms()) {
            addScaledRows(gq, q, gqq, rows, d);
            addScaledRows(gc, c, gcc, m, d);
        }
        if (cmp.normalizes()) {
            for (int i = 0; i < rows; i++) {
                Comparator.normalizeBackward(q, i * d, qNorm[i], gq, i * d, d);
            }
            for (int j = 0; j < m; j++) {
                Comparator.normalizeBackward(c, j * d, cNorm[j], gc, j * d, d);
            }
        }
        if (!plain) {
            for (int k = 0; k < u * d; k++) {
                gradNeg[k] += gc[rows * d + k];
            }
        }
        if (m > selfBase) {
            // the appended query entities' candidate gradients belong to the source rows
            float[] gradSrc = direction(first, 0).gradSrc;
            for (int k = 0; k < n * d; k++) {
                gradSrc[k] += gc[selfBase * d + k];
            }
        }
        for (int b = 0; b < blocks; b++) {
            // DURA's terms join dL/dQ before it goes back through the operators
            loss += duraTerms(chunk, direction(first, b), d, q, gq, b * n * d);
        }
        for (int b = 0; b < blocks; b++) {
            Direction side = direction(first, b);
            // through the operators to the source rows and relation parameters
            for (int i = 0; i < n; i++) {
                int r = chunk.relation[i];
                int id = side.srcIds[i];
                relations.operator(r).backward(relations.params(r, side.slot), 0, side.src.data(id), side.src.dataOffset(id),
                        gq, (b * n + i) * d, side.gradSrc, i * d, relationGrad(r, side.slot), 0, d, side.adjoint);
            }
            int base = b * n * d;
            for (int k = 0; k < n * d; k++) {
                side.gradCand[k] += gc[base + k];
            }
            loss += n3Terms(chunk, side, d);
        }
        return loss;
    }

    /**
     * The N3 terms of one direction's edges (its query row, its positive candidate, its relation's parameters), added
     * to their gradients; 0 when N3 is off.
     */
    private double n3Terms(Chunk chunk, Direction side, int d) {
        if (settings.n3() <= 0f) {
            return 0;
        }
        double reg = 0;
        for (int i = 0; i < chunk.size; i++) {
            int r = chunk.relation[i];
            Operator op = relations.operator(r);
            float coef = settings.n3() * chunk.weight[i] * relations.weight(r);
            int src = side.srcIds[i];
            int cand = side.candIds[i];
            reg += n3(side.src.data(src), side.src.dataOffset(src), d, op.complex(), coef, side.gradSrc, i * d);
            reg += n3(side.cand.data(cand), side.cand.dataOffset(cand), d, op.complex(), coef, side.gradCand, i * d);
            float[] p = relations.params(r, side.slot);
            reg += n3(p, 0, p.length, op.complex(), coef, relationGrad(r, side.slot), 0);
        }
        lastRegularization += reg;
        return reg;
    }

    /**
     * The DURA terms of one direction's edges (Zhang et al. 2020): {@code coef * (|q|^2 + |c|^2)} for each edge, q its
     * query (the source row through the relation's operator: {@code h * r} for complex_diagonal) and c its positive
     * candidate, with {@code coef = dura * edge weight * relation weight}; 0 when DURA is off. The gradient {@code
     * 2 coef q} is added to dL/dQ ({@code gq} from {@code base}, taken back through the operator by the caller) or,
     * where {@code qs} is null (operator none: the query is the source row as stored), straight to the source rows;
     * {@code 2 coef c} to the candidate rows.
     */
    private double duraTerms(Chunk chunk, Direction side, int d, float[] qs, float[] gq, int base) {
        if (settings.dura() <= 0f) {
            return 0;
        }
        double reg = 0;
        for (int i = 0; i < chunk.size; i++) {
            float coef = settings.dura() * chunk.weight[i] * relations.weight(chunk.relation[i]);
            float two = 2 * coef;
            int src = side.srcIds[i];
            float[] qv = qs != null ? qs : side.src.data(src);
            int qOff = qs != null ? base + i * d : side.src.dataOffset(src);
            float[] gv = qs != null ? gq : side.gradSrc;
            int gOff = qs != null ? base + i * d : i * d;
            int cand = side.candIds[i];
            float[] cv = side.cand.data(cand);
            int cOff = side.cand.dataOffset(cand);
            reg += coef * ((double) FloatMath.sumOfSquares(qv, qOff, d) + FloatMath.sumOfSquares(cv, cOff, d));
            FloatMath.axpy(two, qv, qOff, gv, gOff, d);
            FloatMath.axpy(two, cv, cOff, side.gradCand, i * d, d);
        }
        lastRegularization += reg;
        return reg;
    }

    /**
     * Whether chunks take {@link #pairedPass} (with their own negatives per side or a shared draw): both sides
     * predicted, the chunk's edges each other's negatives, the dot comparator, no query-entity negatives or margin,
     * and operator {@code none} for every relation (so a query is its entity's row as stored, in either direction).
     */
    static boolean pairable(RelationParameters relations, StepSettings settings) {
        if (!settings.batchNegatives() || !settings.predicts(Side.LHS) || !settings.predicts(Side.RHS)
                || settings.queryEntityNegatives() || settings.queryMargin() != 0f || settings.comparator() != Comparator.DOT) {
            return false;
        }
        for (int r = 0; r < relations.count(); r++) {
            if (relations.operator(r).type() != OperatorType.NONE) {
                return false;
            }
        }
        return true;
    }

    /**
     * Both directions of a chunk whose queries are its rows as stored ({@link #pairable}), with the batch block
     * computed once. With L and R the chunk's lhs and rhs rows (n each) and U_l, U_r the two sides' negatives, bufC
     * holds the rows {@code X = [U_l; L; R; U_r]}, so that each direction's candidates are consecutive rows of it:
     * <pre>
     *   predicting the rhs: queries L, candidates C_r = [R; U_r]   scores S_r = L C_r^T  (n x (n + u_r)), B = S_r[:, :n]
     *   predicting the lhs: queries R, candidates C_l = [U_l; L]   scores S_l = [R U_l^T, B^T]  (n x (u_l + n))
     * </pre>
     * Two products give S_r and {@code R U_l^T}; the lhs direction's batch scores are B's transpose. After the losses,
     * the batch block's gradient is the sum of both directions' ({@code Gb = G_r[:, :n] + G_l[:, u_l:]^T}), written
     * back into both G's, and four products give every gradient: {@code dL = G_r C_r} and {@code dR = G_l C_l} (each
     * row's gradient as a query and, through Gb, as the other direction's candidate), {@code dU_r = G_r[:, n:]^T L},
     * {@code dU_l = G_l[:, :u_l]^T R}. The two passes it replaces computed B twice and multiplied its gradient twice
     * in each backward product. A chunk that shares its negatives ({@link Chunk#sharedNegatives}: U_l = U_r = U, one
     * table) takes this pass too: U is gathered from the table once and copied inside the buffer, and its gradient is
     * {@code dU_r + dU_l}, as the general two-block pass gives.
     */
    private double pairedPass(Chunk chunk) {
        final int n = chunk.size;
        final int d = chunk.lhsTable.dim();
        final EmbeddingTable lt = chunk.lhsTable;
        final EmbeddingTable rt = chunk.rhsTable;
        final boolean shared = chunk.sharedNegatives;
        final int[] negL = chunk.lhsNegatives;
        final int[] negR = shared ? negL : chunk.rhsNegatives;
        final int uL = chunk.lhsNegativeCount;
        final int uR = shared ? uL : chunk.rhsNegativeCount;
        final int xL = uL;          // X's first row of L
        final int xR = uL + n;      // of R, and of C_r
        final int xUr = uL + 2 * n; // of U_r
        final int mR = n + uR;      // candidates predicting the rhs
        final int mL = uL + n;      // candidates predicting the lhs
        final int lOff = n * mR;    // where s and g hold the lhs direction's rows

        if (lt.touchPays()) {
            sink += lt.touch(chunk.lhs, n) + rt.touch(chunk.rhs, n);
            if (uL <= TOUCH_LIMIT) {
                sink += lt.touch(negL, uL);
            }
            if (uR <= TOUCH_LIMIT && !shared) {
                sink += rt.touch(negR, uR);
            }
        }
        for (int j = 0; j < uL; j++) {
            int id = negL[j];
            bufC.buffer.put(j * d, lt.data(id), lt.dataOffset(id), d);
        }
        for (int i = 0; i < n; i++) {
            int l = chunk.lhs[i];
            int r = chunk.rhs[i];
            bufC.buffer.put((xL + i) * d, lt.data(l), lt.dataOffset(l), d);
            bufC.buffer.put((xR + i) * d, rt.data(r), rt.dataOffset(r), d);
        }
        if (shared) {
            // U_r is U_l: copied inside the buffer, not gathered from the table again
            bufC.buffer.put(xUr * d, bufC.buffer, 0, uL * d);
        } else {
            for (int j = 0; j < uR; j++) {
                int id = negR[j];
                bufC.buffer.put((xUr + j) * d, rt.data(id), rt.dataOffset(id), d);
            }
        }
        // S_r = L C_r^T at 0, R U_l^T after it
        Sgemm.multiplyAt(bufC, (long) xL * d, d, false, bufC, (long) xR * d, d, true, bufS, 0, n, mR, d);
        Sgemm.multiplyAt(bufC, (long) xR * d, d, false, bufC, 0, d, true, bufS, (long) n * mR, n, uL, d);
        bufS.get(s, n * mR);
        for (int i = 0; i < n; i++) {
            bufS.buffer.get(n * mR + i * uL, s, lOff + i * mL, uL);
            int row = lOff + i * mL + uL;
            for (int j = 0; j < n; j++) {
                s[row + j] = s[j * mR + i];
            }
        }

        double loss = 0;
        final Loss lossFn = settings.loss();
        final float margin = settings.margin();
        // predicting the rhs: row i's candidates [R; U_r], its positive at i
        indexNegatives(negR, uR);
        Arrays.fill(valid, n, mR, true);
        for (int i = 0; i < n; i++) {
            int pos = chunk.rhs[i];
            for (int j = 0; j < n; j++) {
                valid[j] = j != i && chunk.rhs[j] != pos;
            }
            markNegatives(negR, pos, n, false);
            float w = chunk.weight[i] * relations.weight(chunk.relation[i]);
            loss += lossFn.row(s, i * mR, mR, i, valid, w, margin, g, i * mR);
            markNegatives(negR, pos, n, true);
        }
        clearNegativeIndex(negR, uR);
        // predicting the lhs: row i's candidates [U_l; L], its positive at u_l + i
        indexNegatives(negL, uL);
        Arrays.fill(valid, 0, uL, true);
        for (int i = 0; i < n; i++) {
            int pos = chunk.lhs[i];
            for (int j = 0; j < n; j++) {
                valid[uL + j] = j != i && chunk.lhs[j] != pos;
            }
            markNegatives(negL, pos, 0, false);
            float w = chunk.weight[i] * relations.weight(chunk.relation[i]);
            loss += lossFn.row(s, lOff + i * mL, mL, uL + i, valid, w, margin, g, lOff + i * mL);
            markNegatives(negL, pos, 0, true);
        }
        clearNegativeIndex(negL, uL);
        // Gb[i][j] = G_r[i][j] + G_l[j][u_l + i], into both
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int lCell = lOff + j * mL + uL + i;
                float sum = g[i * mR + j] + g[lCell];
                g[i * mR + j] = sum;
                g[lCell] = sum;
            }
        }
        bufS.buffer.put(0, g, 0, n * mR);
        bufS.buffer.put(n * mR, g, lOff, n * mL);
        // dL = G_r C_r, dR = G_l C_l into bufGQ; dU_r = G_r[:, n:]^T L, dU_l = G_l[:, :u_l]^T R into bufGC
        Sgemm.multiplyAt(bufS, 0, mR, false, bufC, (long) xR * d, d, false, bufGQ, 0, n, d, mR);
        Sgemm.multiplyAt(bufS, (long) n * mR, mL, false, bufC, 0, d, false, bufGQ, (long) n * d, n, d, mL);
        Sgemm.multiplyAt(bufS, n, mR, true, bufC, (long) xL * d, d, false, bufGC, 0, uR, d, n);
        Sgemm.multiplyAt(bufS, (long) n * mR, mL, true, bufC, (long) xR * d, d, false, bufGC, (long) uR * d, uL, d, n);
        bufGQ.get(gq, 2 * n * d);
        float[] gradL = out.lhs;
        float[] gradR = out.rhs;
        for (int k = 0; k < n * d; k++) {
            gradL[k] += gq[k];
            gradR[k] += gq[n * d + k];
        }
        bufGC.buffer.get(0, out.rhsNegatives, 0, uR * d);
        bufGC.buffer.get(uR * d, out.lhsNegatives, 0, uL * d);
        if (shared) {
            // one set of rows for both directions: its gradient is the sum, kept in lhsNegatives (rhsNegatives unused)
            FloatMath.axpy(1f, out.rhsNegatives, 0, out.lhsNegatives, 0, uL * d);
        }
        loss += n3Terms(chunk, predictingRhs, d);
        loss += n3Terms(chunk, predictingLhs, d);
        loss += duraTerms(chunk, predictingRhs, d, null, null, 0);
        loss += duraTerms(chunk, predictingLhs, d, null, null, 0);
        return loss;
    }

    /**
     * One direction's view of the chunk: predicting the lhs, the queries come from the rhs rows (through the
     * reciprocal or adjoint operator) and the candidates are lhs rows; predicting the rhs, the other way round. Two
     * instances per step, refilled for every chunk.
     */
    private final class Direction {
        final Side predicted;
        final int slot;
        final boolean adjoint;
        float[] gradSrc;
        float[] gradCand;
        EmbeddingTable src;
        int[] srcIds;
        EmbeddingTable cand;
        int[] candIds;

        Direction(Side predicted) {
            this.predicted = predicted;
            slot = relations.slot(predicted);
            adjoint = relations.adjoint(predicted);
        }

        void bind(Chunk chunk, ChunkGradients gradients) {
            Side known = predicted.other();
            gradSrc = known.pick(gradients.lhs, gradients.rhs);
            gradCand = predicted.pick(gradients.lhs, gradients.rhs);
            src = known.pick(chunk.lhsTable, chunk.rhsTable);
            srcIds = known.pick(chunk.lhs, chunk.rhs);
            cand = predicted.pick(chunk.lhsTable, chunk.rhsTable);
            candIds = predicted.pick(chunk.lhs, chunk.rhs);
        }
    }

    /** The direction of block {@code b} of a pass whose block 0 predicts {@code first} (block 1 predicts the other side). */
    private Direction direction(Side first, int b) {
        return (b == 0 ? first : first.other()) == Side.LHS ? predictingLhs : predictingRhs;
    }

    /** Indexes {@code negIds[0, u)} by entity: chains of positions from {@link #negHead} through {@link #negNext}. */
    private void indexNegatives(int[] negIds, int u) {
        for (int j = 0; j < u; j++) {
            int h = slot(negIds[j]);
            negNext[j] = negHead[h];
            negHead[h] = j;
        }
    }

    private void clearNegativeIndex(int[] negIds, int u) {
        for (int j = 0; j < u; j++) {
            negHead[slot(negIds[j])] = -1;
        }
    }

    /** Sets {@code valid[offset + j]} for every negative j that is entity {@code id}. */
    /**
     * Adds {@code delta} to the scores {@code s[rowOff + column]} of every column of query {@code i} (of direction
     * {@code side}) that is that query's own entity: its appended or other-direction column {@code self} (-1: none),
     * and, when the source and candidate tables are one table ({@code sameTable}: an id names the same entity), the
     * batch candidates (columns {@code batchBase + j}) and the negatives (columns {@code negBase + j}) with its id. A
     * column the row does not use (invalid) may be shifted too; the loss ignores it.
     */
    private void shiftQuery(int rowOff, int batchBase, Direction side, int i, int n, int[] negIds, int negBase, int self,
                            boolean sameTable, float delta) {
        if (self >= 0) {
            s[rowOff + self] += delta;
        }
        if (!sameTable) {
            return;
        }
        int id = side.srcIds[i];
        if (settings.batchNegatives()) {
            for (int j = 0; j < n; j++) {
                if (side.candIds[j] == id) {
                    s[rowOff + batchBase + j] += delta;
                }
            }
        }
        for (int j = negHead[slot(id)]; j >= 0; j = negNext[j]) {
            if (negIds[j] == id) {
                s[rowOff + negBase + j] += delta;
            }
        }
    }

    private void markNegatives(int[] negIds, int id, int offset, boolean value) {
        for (int j = negHead[slot(id)]; j >= 0; j = negNext[j]) {
            if (negIds[j] == id) {
                valid[offset + j] = value;
            }
        }
    }

    /** Fibonacci hashing: the top bits of id times 2^32 / golden ratio, as many as the index has slots. */
    private int slot(int id) {
        return (id * 0x9E3779B9) >>> negShift;
    }

    /** N3 of {@code v[off, off+len)} ({@link FloatMath#n3}): returns its value and adds its gradient to {@code grad}. */
    static double n3(float[] v, int off, int len, boolean complex, float coef, float[] grad, int gOff) {
        return FloatMath.n3(v, off, len, complex, coef, grad, gOff);
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
        return out.relation(r, slot);
    }

    /**
     * The auxiliary relation-prediction term (Chen et al. 2021, "Relation Prediction as an Auxiliary Training
     * Objective"): each edge (l, r, t) also ranks its relation among all R relations, softmax cross-entropy weighted
     * {@link StepSettings#relationPrediction}. For an operator linear in its parameters p (diagonal, complex_diagonal,
     * linear) and the dot comparator, the score {@code <op_p(l), t>} is {@code <v(l, t), p>}, where v is the
     * operator's parameter gradient at gOut = t; so all R scores of the chunk are one product {@code S = V P^T}
     * (n x R), and the gradients are {@code G P} (then through v to l and t) and {@code G^T V} (the relations').
     * The relations' forward (rhs-predicting) slot is scored. The operators and comparator are checked before
     * training ({@code TrainingLimits}).
     */
    private final class RelationPrediction {
        final int count;
        final int params;
        final int slot;
        final Sgemm bufV;
        final Sgemm bufP;
        final Sgemm bufS;
        final Sgemm bufGV;
        final Sgemm bufGP;
        final float[] v;
        final float[] p;
        final float[] scores;
        final float[] grad;
        final float[] gv;
        final float[] gp;
        final boolean[] candidates;
        final float[] zeroParams;
        final float[] scratchRow;
        final float[] scratchParams;

        RelationPrediction(int capacity, int maxDim) {
            count = relations.count();
            params = relations.maxParameterCount();
            slot = relations.slot(Side.RHS);
            bufV = new Sgemm((long) capacity * params);
            bufP = new Sgemm((long) count * params);
            bufS = new Sgemm((long) capacity * count);
            bufGV = new Sgemm((long) capacity * params);
            bufGP = new Sgemm((long) count * params);
            v = new float[capacity * params];
            p = new float[count * params];
            scores = new float[capacity * count];
            grad = new float[capacity * count];
            gv = new float[capacity * params];
            gp = new float[count * params];
            candidates = new boolean[count];
            zeroParams = new float[params];
            scratchRow = new float[maxDim];
            scratchParams = new float[params];
        }

        double pass(Chunk chunk) {
            int n = chunk.size;
            int d = chunk.lhsTable.dim();
            EmbeddingTable lt = chunk.lhsTable;
            EmbeddingTable rt = chunk.rhsTable;
            // V: row i = the parameter gradient of <op_p(l_i), t_i>, which does not depend on p
            Arrays.fill(v, 0, n * params, 0f);
            for (int i = 0; i < n; i++) {
                int l = chunk.lhs[i];
                int t = chunk.rhs[i];
                relations.operator(chunk.relation[i]).backward(zeroParams, 0, lt.data(l), lt.dataOffset(l), rt.data(t), rt.dataOffset(t),
                        scratchRow, 0, v, i * params, d, false);
            }
            for (int r = 0; r < count; r++) {
                float[] pr = relations.params(r, slot);
                System.arraycopy(pr, 0, p, r * params, pr.length);
            }
            bufV.put(v, n * params);
            bufP.put(p, count * params);
            Sgemm.multiply(bufV, false, bufP, true, bufS, n, count, params);
            bufS.get(scores, n * count);
            double loss = 0;
            Arrays.fill(candidates, true);
            for (int i = 0; i < n; i++) {
                int r = chunk.relation[i];
                candidates[r] = false;
                float w = settings.relationPrediction() * chunk.weight[i] * relations.weight(r);
                loss += Loss.SOFTMAX.row(scores, i * count, count, r, candidates, w, 0f, grad, i * count);
                candidates[r] = true;
            }
            bufS.put(grad, n * count);
            Sgemm.multiply(bufS, false, bufP, false, bufGV, n, params, count);
            Sgemm.multiply(bufS, true, bufV, false, bufGP, count, params, n);
            bufGV.get(gv, n * params);
            bufGP.get(gp, count * params);
            // d/dl and d/dt of sum_r G[i][r] <op_{p_r}(l), t> = <op_{gv_i}(l), t>: the operator's input gradient at
            // p = gv_i, and op_{gv_i}(l) itself
            for (int i = 0; i < n; i++) {
                int l = chunk.lhs[i];
                Operator op = relations.operator(chunk.relation[i]);
                int t = chunk.rhs[i];
                op.backward(gv, i * params, lt.data(l), lt.dataOffset(l), rt.data(t), rt.dataOffset(t), out.lhs, i * d,
                        scratchParams, 0, d, false);
                op.apply(gv, i * params, lt.data(l), lt.dataOffset(l), scratchRow, 0, d, false);
                for (int k = 0; k < d; k++) {
                    out.rhs[i * d + k] += scratchRow[k];
                }
            }
            for (int r = 0; r < count; r++) {
                float[] g = relationGrad(r, slot);
                int len = relations.params(r, slot).length;
                for (int k = 0; k < len; k++) {
                    g[k] += gp[r * params + k];
                }
            }
            return loss;
        }

        void close() {
            bufV.close();
            bufP.close();
            bufS.close();
            bufGV.close();
            bufGP.close();
        }
    }

    @Override
    public void close() {
        if (relationPrediction != null) {
            relationPrediction.close();
        }
        bufQ.close();
        bufC.close();
        bufS.close();
        bufGQ.close();
        bufGC.close();
    }
}
