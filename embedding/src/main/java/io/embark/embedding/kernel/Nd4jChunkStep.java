package io.embark.embedding.kernel;

import io.embark.embedding.config.OperatorType;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Side;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The chunk step written as ND4J array operations throughout: the math runs wherever ND4J's backend runs (its CUDA
 * backend included), and, written independently of {@link BlasChunkStep}, it cross-checks the fast step in the tests.
 * Only the boundary is Java: rows are gathered from the tables into arrays, and the gradients are copied into the
 * {@link ChunkGradients} that the shared {@link Optimizer} applies, so both steps train the same way (repeated rows
 * updated in order, batches summed, shared negatives updated once).
 *
 * <p>A chunk may mix operator types (per-relation operators): the operator's forward and backward run per group of
 * edges of one type, the scores and the loss over the whole chunk. Slower than the BLAS step on a CPU by design (each
 * small ND4J op costs microseconds and results are allocated).
 */
public final class Nd4jChunkStep implements ChunkStep {

    private static final double MIN_SQ_DIST = 1e-30;

    private final RelationParameters relations;
    private final StepSettings settings;

    /** A step for {@code relations}; the capacities are checked per chunk (ND4J allocates per chunk anyway). */
    public Nd4jChunkStep(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim) {
        this.relations = relations;
        this.settings = settings;
    }

    /** The edges of one operator type in a chunk: their indices, in chunk order. */
    private record Group(OperatorType type, boolean complex, int[] edges) {
    }

    @Override
    public double computeGradients(Chunk chunk, ChunkGradients out) {
        int n = chunk.size;
        int d = chunk.lhsTable.dim();
        out.start(n, d);
        java.util.Arrays.fill(out.lhsNegatives, 0, chunk.lhsNegativeCount * d, 0f);
        java.util.Arrays.fill(out.rhsNegatives, 0, chunk.rhsNegativeCount * d, 0f);
        List<Group> groups = groups(chunk);
        INDArray lhs = gather(chunk.lhsTable, chunk.lhs, n);
        INDArray rhs = gather(chunk.rhsTable, chunk.rhs, n);
        double loss = 0;
        for (Side predicted : new Side[] {Side.RHS, Side.LHS}) {
            // shared negatives: both directions score against the one set, as the BLAS step's single pass does
            if (!chunk.sharedNegatives && !settings.predicts(predicted)) {
                continue;
            }
            Side known = predicted.other();
            INDArray src = known.pick(lhs, rhs);
            INDArray cand = predicted.pick(lhs, rhs);
            int u = predicted.pick(chunk.lhsNegativeCount, chunk.rhsNegativeCount);
            int[] candIds = predicted.pick(chunk.lhs, chunk.rhs);
            int[] negIds = predicted.pick(chunk.lhsNegatives, chunk.rhsNegatives);
            EmbeddingTable negTable = predicted.pick(chunk.lhsTable, chunk.rhsTable);
            EmbeddingTable srcTable = known.pick(chunk.lhsTable, chunk.rhsTable);
            int[] srcIds = known.pick(chunk.lhs, chunk.rhs);
            // the query entities as n more candidates, under the same conditions as the BLAS step's
            boolean queryNegatives = settings.queryEntityNegatives() && srcTable.entityType().equals(negTable.entityType())
                    && !(srcTable == negTable && u == negTable.rows());
            INDArray candidates = u == 0 ? cand : Nd4j.vstack(cand, gather(negTable, negIds, u));
            if (queryNegatives) {
                candidates = Nd4j.vstack(candidates, src);
            }
            Direction dir = new Direction(relations.slot(predicted), relations.adjoint(predicted),
                    known.pick(out.lhs, out.rhs), predicted.pick(out.lhs, out.rhs),
                    predicted == Side.LHS || chunk.sharedNegatives ? out.lhsNegatives : out.rhsNegatives);
            loss += direction(chunk, groups, src, candidates, candIds, negIds, u, srcIds, queryNegatives,
                    srcTable == negTable, dir, out);
        }
        return loss;
    }

    /** One direction's parameter slot, whether it applies the adjoint, and where its gradients go. */
    private record Direction(int slot, boolean adjoint, float[] srcGrad, float[] candGrad, float[] negGrad) {
    }

    private List<Group> groups(Chunk chunk) {
        Map<OperatorType, List<Integer>> byType = new LinkedHashMap<>();
        for (int i = 0; i < chunk.size; i++) {
            byType.computeIfAbsent(relations.operator(chunk.relation[i]).type(), t -> new ArrayList<>()).add(i);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<OperatorType, List<Integer>> e : byType.entrySet()) {
            int[] edges = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            out.add(new Group(e.getKey(), relations.operator(chunk.relation[edges[0]]).complex(), edges));
        }
        return out;
    }

    /** Rows {@code idx} of {@code a} (all of it when idx is every row in order). */
    private static INDArray rows(INDArray a, int[] idx) {
        return idx.length == a.rows() ? a : a.getRows(idx);
    }

    /** Adds row k of {@code g} to row idx[k] of the row-major {@code dst} (d columns). */
    private static void addRows(INDArray g, int[] idx, float[] dst, int d) {
        float[] v = g.dup('c').data().asFloat();
        for (int k = 0; k < idx.length; k++) {
            int o = idx[k] * d;
            for (int j = 0; j < d; j++) {
                dst[o + j] += v[k * d + j];
            }
        }
    }

    /** Adds row k of {@code gp} (one edge's parameter gradient) to its relation's gradient. */
    private void addParamRows(INDArray gp, int[] idx, Chunk chunk, int slot, ChunkGradients out) {
        int size = relations.params(chunk.relation[idx[0]], slot).length;
        if (gp == null || size == 0) {
            return;
        }
        int width = (int) gp.columns();
        float[] v = gp.dup('c').data().asFloat();
        for (int k = 0; k < idx.length; k++) {
            float[] acc = out.relation(chunk.relation[idx[k]], slot);
            for (int j = 0; j < size; j++) {
                acc[j] += v[k * width + j];
            }
        }
    }

    /**
     * {@code srcIds}: the query entities, appended as the last n candidates when {@code appended}; an id equal to the
     * row's positive (or to a candidate's) is the same entity only when {@code sameTable}.
     */
    private double direction(Chunk chunk, List<Group> groups, INDArray x, INDArray candidates, int[] candIds, int[] negIds,
                             int u, int[] srcIds, boolean appended, boolean sameTable, Direction dir, ChunkGradients out) {
        int n = chunk.size;
        int m = n + u + (appended ? n : 0);
        int d = (int) x.columns();
        Comparator cmp = settings.comparator();
        INDArray[] params = new INDArray[groups.size()];
        float[] qData = new float[n * d];
        for (int gi = 0; gi < groups.size(); gi++) {
            Group group = groups.get(gi);
            params[gi] = gatherParams(chunk, group.edges(), dir.slot());
            INDArray qg = forward(group.type(), rows(x, group.edges()), params[gi], dir.adjoint());
            float[] v = qg.dup('c').data().asFloat();
            for (int k = 0; k < group.edges().length; k++) {
                System.arraycopy(v, k * d, qData, group.edges()[k] * d, d);
            }
        }
        INDArray q = Nd4j.create(qData, new long[] {n, d}, DataType.FLOAT);

        // comparator
        INDArray qn = null;
        INDArray cn = null;
        INDArray qNorm = null;
        INDArray cNorm = null;
        INDArray qUse = q;
        INDArray cUse = candidates;
        if (cmp.normalizes()) {
            qNorm = Transforms.max(q.norm2(1).reshape(n, 1), 1e-12);
            cNorm = Transforms.max(candidates.norm2(1).reshape(m, 1), 1e-12);
            qn = q.divColumnVector(qNorm);
            cn = candidates.divColumnVector(cNorm);
            qUse = qn;
            cUse = cn;
        }
        INDArray dot = qUse.mmul(cUse.transpose());
        INDArray qq = q.mul(q).sum(1).reshape(n, 1);
        INDArray cc = candidates.mul(candidates).sum(1).reshape(1, m);
        INDArray s = switch (cmp) {
            case DOT, COS -> dot;
            case SQUARED_L2 -> dot.mul(2).subiColumnVector(qq).subiRowVector(cc);
            case L2 -> Transforms.sqrt(Transforms.max(dot.mul(-2).addiColumnVector(qq).addiRowVector(cc), MIN_SQ_DIST)).negi();
        };

        // masks: pos (i, i); valid negatives: other batch columns with a different entity, uniform columns != positive
        float[] validData = new float[n * m];
        float[] posData = new float[n * m];
        // the query-entity margin: added to the loss's view of the scores of the columns that are the row's own query
        // entity (as the BLAS step does)
        float qm = settings.queryMargin();
        float[] shiftData = qm == 0f ? null : new float[n * m];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            posData[i * m + i] = 1f;
            boolean shift = shiftData != null && (!sameTable || srcIds[i] != candIds[i]);
            for (int j = 0; j < n; j++) {
                validData[i * m + j] = settings.batchNegatives() && j != i && candIds[j] != candIds[i] ? 1f : 0f;
                if (shift && sameTable && settings.batchNegatives() && candIds[j] == srcIds[i]) {
                    shiftData[i * m + j] = qm;
                }
            }
            for (int j = 0; j < u; j++) {
                validData[i * m + n + j] = negIds[j] != candIds[i] ? 1f : 0f;
                if (shift && sameTable && negIds[j] == srcIds[i]) {
                    shiftData[i * m + n + j] = qm;
                }
            }
            if (appended) {
                validData[i * m + n + u + i] = !sameTable || srcIds[i] != candIds[i] ? 1f : 0f;
                if (shift) {
                    shiftData[i * m + n + u + i] = qm;
                }
            }
            w[i] = chunk.weight[i] * relations.weight(chunk.relation[i]);
        }
        INDArray valid = Nd4j.create(validData, new long[] {n, m}, DataType.FLOAT);
        INDArray pos = Nd4j.create(posData, new long[] {n, m}, DataType.FLOAT);
        INDArray weights = Nd4j.create(w, new long[] {n, 1}, DataType.FLOAT);
        // the scores as the loss sees them (the comparator's backward below needs s itself)
        INDArray sl = shiftData == null ? s : s.add(Nd4j.create(shiftData, new long[] {n, m}, DataType.FLOAT));
        INDArray sPos = sl.mul(pos).sum(1).reshape(n, 1);

        INDArray lossRows;
        INDArray g;
        switch (settings.loss()) {
            case SOFTMAX -> {
                INDArray allowed = valid.add(pos);
                INDArray masked = sl.mul(allowed).addi(allowed.rsub(1).muli(-1e30));
                INDArray rowMax = masked.max(1).reshape(n, 1);
                INDArray e = Transforms.exp(masked.subColumnVector(rowMax)).muli(allowed);
                INDArray z = e.sum(1).reshape(n, 1);
                lossRows = Transforms.log(z).addi(rowMax).subi(sPos);
                g = e.divColumnVector(z).subi(pos);
            }
            case LOGISTIC -> {
                INDArray count = Transforms.max(valid.sum(1).reshape(n, 1), 1.0);
                lossRows = Transforms.softPlus(sl).muli(valid).sum(1).reshape(n, 1).divi(count)
                        .addi(Transforms.softPlus(sPos.neg()));
                g = Transforms.sigmoid(sl).muli(valid).divColumnVector(count)
                        .subi(Transforms.sigmoid(sl.neg()).muli(pos));
            }
            case RANKING -> {
                INDArray v = sl.subColumnVector(sPos).addi(settings.margin());
                lossRows = Transforms.relu(v).muli(valid).sum(1).reshape(n, 1);
                INDArray gNeg = v.gt(0).castTo(DataType.FLOAT).muli(valid);
                g = gNeg.add(pos.mulColumnVector(gNeg.sum(1).reshape(n, 1).neg()));
            }
            default -> throw new IllegalStateException(settings.loss().name());
        }
        g.muliColumnVector(weights);
        double loss = lossRows.mul(weights).sumNumber().doubleValue();

        // back through the comparator
        INDArray gDot;
        INDArray gqq = null;
        INDArray gcc = null;
        switch (cmp) {
            case DOT, COS -> gDot = g;
            case SQUARED_L2 -> {
                gDot = g.mul(2);
                gqq = g.sum(1).reshape(n, 1).neg();
                gcc = g.sum(0).reshape(m, 1).neg();
            }
            case L2 -> {
                INDArray live = s.lt(-Math.sqrt(MIN_SQ_DIST)).castTo(DataType.FLOAT);
                INDArray dD = g.div(s.mul(2).addi(live.rsub(1))).muli(live);
                gDot = dD.mul(-2);
                gqq = dD.sum(1).reshape(n, 1);
                gcc = dD.sum(0).reshape(m, 1);
            }
            default -> throw new IllegalStateException(cmp.name());
        }
        INDArray gq = gDot.mmul(cUse);
        INDArray gc = gDot.transpose().mmul(qUse);
        if (gqq != null) {
            gq.addi(q.mulColumnVector(gqq.mul(2)));
            gc.addi(candidates.mulColumnVector(gcc.mul(2)));
        }
        if (cmp.normalizes()) {
            gq = gq.sub(qn.mulColumnVector(qn.mul(gq).sum(1).reshape(n, 1))).divColumnVector(qNorm);
            gc = gc.sub(cn.mulColumnVector(cn.mul(gc).sum(1).reshape(m, 1))).divColumnVector(cNorm);
        }
        if (settings.dura() > 0f) {
            // DURA: dura * w * (|q|^2 + |c|^2) per edge, c the positive candidate (row i of the candidates)
            INDArray coef = weights.mul(settings.dura());
            INDArray posCand = candidates.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
            loss += qq.mul(coef).sumNumber().doubleValue()
                    + posCand.mul(posCand).sum(1).reshape(n, 1).muli(coef).sumNumber().doubleValue();
            gq.addi(q.mulColumnVector(coef.mul(2)));
            addRows(posCand.mulColumnVector(coef.mul(2)), identity(n), dir.candGrad(), d);
        }

        // the candidates: the chunk's own rows, then the negatives
        addRows(gc.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()), identity(n), dir.candGrad(), d);
        if (u > 0) {
            addRows(gc.get(NDArrayIndex.interval(n, n + u), NDArrayIndex.all()), identity(u), dir.negGrad(), d);
        }
        if (appended) {
            addRows(gc.get(NDArrayIndex.interval(n + u, m), NDArrayIndex.all()), identity(n), dir.srcGrad(), d);
        }

        // back through the operator, and N3, per group of one operator type
        for (int gi = 0; gi < groups.size(); gi++) {
            Group group = groups.get(gi);
            int[] idx = group.edges();
            INDArray xg = rows(x, idx);
            INDArray[] back = backward(group.type(), xg, params[gi], dir.adjoint(), rows(gq, idx));
            INDArray gx = back[0];
            INDArray gp = back[1];
            if (settings.n3() > 0f) {
                INDArray coef = rows(weights, idx).mul(settings.n3());
                INDArray posCand = rows(candidates.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()), idx);
                loss += n3(xg, group.complex(), coef, gx);
                INDArray gPosCand = Nd4j.zeros(DataType.FLOAT, idx.length, d);
                loss += n3(posCand, group.complex(), coef, gPosCand);
                addRows(gPosCand, idx, dir.candGrad(), d);
                if (gp != null && relations.params(chunk.relation[idx[0]], dir.slot()).length > 0) {
                    loss += n3(params[gi], group.complex(), coef, gp);
                }
            }
            addRows(gx, idx, dir.srcGrad(), d);
            addParamRows(gp, idx, chunk, dir.slot(), out);
        }
        return loss;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** coef_i * sum |v|^3 per row (complex moduli when complex); adds the gradient to {@code grad}. */
    private static double n3(INDArray v, boolean complex, INDArray coef, INDArray grad) {
        if (complex) {
            long h = v.columns() / 2;
            INDArray re = v.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
            INDArray im = v.get(NDArrayIndex.all(), NDArrayIndex.interval(h, 2 * h));
            INDArray mod = Transforms.sqrt(re.mul(re).addi(im.mul(im)));
            double value = mod.mul(mod).muli(mod).mulColumnVector(coef).sumNumber().doubleValue();
            INDArray scale = mod.mulColumnVector(coef).muli(3);
            grad.addi(Nd4j.hstack(scale.mul(re), scale.mul(im)));
            return value;
        }
        INDArray abs = Transforms.abs(v);
        double value = abs.mul(abs).muli(abs).mulColumnVector(coef).sumNumber().doubleValue();
        grad.addi(abs.mul(v).mulColumnVector(coef).muli(3));
        return value;
    }

    private static INDArray forward(OperatorType type, INDArray x, INDArray p, boolean adjoint) {
        int n = x.rows();
        int d = x.columns();
        float sign = adjoint ? -1f : 1f;
        return switch (type) {
            case NONE -> x.dup();
            case TRANSLATION -> x.add(p.mul(sign));
            case DIAGONAL -> x.mul(p);
            case COMPLEX_DIAGONAL -> {
                int h = d / 2;
                INDArray a = p.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
                INDArray b = p.get(NDArrayIndex.all(), NDArrayIndex.interval(h, d)).mul(sign);
                INDArray re = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
                INDArray im = x.get(NDArrayIndex.all(), NDArrayIndex.interval(h, d));
                yield Nd4j.hstack(a.mul(re).subi(b.mul(im)), a.mul(im).addi(b.mul(re)));
            }
            case LINEAR, AFFINE -> {
                INDArray q = Nd4j.zeros(DataType.FLOAT, n, d);
                for (int i = 0; i < n; i++) {
                    INDArray a = p.getRow(i).get(NDArrayIndex.interval(0, d * d)).dup().reshape(d, d);
                    INDArray xi = x.getRow(i).dup().reshape(d, 1);
                    INDArray b = type == OperatorType.AFFINE ? p.getRow(i).get(NDArrayIndex.interval(d * d, d * d + d)).dup().reshape(d, 1)
                            : Nd4j.zeros(DataType.FLOAT, d, 1);
                    INDArray qi = adjoint ? a.transpose().mmul(xi.sub(b)) : a.mmul(xi).addi(b);
                    q.putRow(i, qi.reshape(d));
                }
                yield q;
            }
        };
    }

    /** Returns {dL/dx, dL/dparams (per edge, null when the operator has none)}. */
    private static INDArray[] backward(OperatorType type, INDArray x, INDArray p, boolean adjoint, INDArray g) {
        int n = x.rows();
        int d = x.columns();
        float sign = adjoint ? -1f : 1f;
        return switch (type) {
            case NONE -> new INDArray[] {g.dup(), null};
            case TRANSLATION -> new INDArray[] {g.dup(), g.mul(sign)};
            case DIAGONAL -> new INDArray[] {g.mul(p), g.mul(x)};
            case COMPLEX_DIAGONAL -> {
                int h = d / 2;
                INDArray a = p.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
                INDArray b = p.get(NDArrayIndex.all(), NDArrayIndex.interval(h, d)).mul(sign);
                INDArray re = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
                INDArray im = x.get(NDArrayIndex.all(), NDArrayIndex.interval(h, d));
                INDArray gre = g.get(NDArrayIndex.all(), NDArrayIndex.interval(0, h));
                INDArray gim = g.get(NDArrayIndex.all(), NDArrayIndex.interval(h, d));
                INDArray gx = Nd4j.hstack(a.mul(gre).addi(b.mul(gim)), a.mul(gim).subi(b.mul(gre)));
                INDArray gp = Nd4j.hstack(re.mul(gre).addi(im.mul(gim)), re.mul(gim).subi(im.mul(gre)).muli(sign));
                yield new INDArray[] {gx, gp};
            }
            case LINEAR, AFFINE -> {
                boolean affine = type == OperatorType.AFFINE;
                INDArray gx = Nd4j.zeros(DataType.FLOAT, n, d);
                INDArray gp = Nd4j.zeros(DataType.FLOAT, n, p.columns());
                for (int i = 0; i < n; i++) {
                    INDArray a = p.getRow(i).get(NDArrayIndex.interval(0, d * d)).dup().reshape(d, d);
                    INDArray xi = x.getRow(i).dup().reshape(d, 1);
                    INDArray gi = g.getRow(i).dup().reshape(d, 1);
                    INDArray gA;
                    INDArray gxi;
                    INDArray gb = null;
                    if (!adjoint) {
                        gxi = a.transpose().mmul(gi);
                        gA = gi.mmul(xi.transpose());
                        gb = gi;
                    } else {
                        INDArray b = affine ? p.getRow(i).get(NDArrayIndex.interval(d * d, d * d + d)).dup().reshape(d, 1)
                                : Nd4j.zeros(DataType.FLOAT, d, 1);
                        INDArray y = xi.sub(b);
                        gxi = a.mmul(gi);
                        gA = y.mmul(gi.transpose());
                        gb = gxi.neg();
                    }
                    gx.putRow(i, gxi.reshape(d));
                    INDArray row = affine ? Nd4j.hstack(gA.reshape(1, d * d), gb.reshape(1, d)) : gA.reshape(1, d * d);
                    gp.putRow(i, row.reshape(p.columns()));
                }
                yield new INDArray[] {gx, gp};
            }
        };
    }

    private INDArray gatherParams(Chunk chunk, int[] idx, int slot) {
        int n = idx.length;
        int size = relations.params(chunk.relation[idx[0]], slot).length;
        if (size == 0) {
            return Nd4j.zeros(DataType.FLOAT, n, 1);
        }
        float[] flat = new float[n * size];
        for (int k = 0; k < n; k++) {
            System.arraycopy(relations.params(chunk.relation[idx[k]], slot), 0, flat, k * size, size);
        }
        return Nd4j.create(flat, new long[] {n, size}, DataType.FLOAT);
    }

    private static INDArray gather(EmbeddingTable t, int[] ids, int count) {
        int d = t.dim();
        float[] flat = new float[Math.max(1, count) * d];
        for (int i = 0; i < count; i++) {
            System.arraycopy(t.data(ids[i]), t.dataOffset(ids[i]), flat, i * d, d);
        }
        return Nd4j.create(flat, new long[] {Math.max(1, count), d}, DataType.FLOAT);
    }

    @Override
    public void close() {
    }
}
