package io.embark.embedding.kernel;

import io.embark.embedding.config.OperatorType;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
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
 * Only the boundary is Java: rows are gathered from the tables into arrays and updated rows are written back.
 *
 * <p>Slower than the BLAS step by design (each small ND4J op costs microseconds and results are allocated), and with
 * two semantic limits: one operator type per chunk, and an entity repeated inside a chunk's rows of one table gets
 * one vectorized Adagrad update computed from the pre-chunk state for each occurrence (the BLAS step applies them in
 * sequence), so the two agree exactly only on chunks without repeats.
 */
public final class Nd4jChunkStep implements ChunkStep {

    private static final double MIN_SQ_DIST = 1e-30;

    private final RelationParameters relations;
    private final StepSettings settings;

    public Nd4jChunkStep(RelationParameters relations, StepSettings settings) {
        this.relations = relations;
        this.settings = settings;
    }

    /** Gradients of one direction's source rows, candidate rows and per-edge operator parameters. */
    private record DirectionGrads(INDArray src, INDArray cand, INDArray params, double loss) {
    }

    @Override
    public double train(Chunk chunk) {
        int n = chunk.size;
        int d = chunk.lhsTable.dim();
        OperatorType type = relations.operator(chunk.relation[0]).type();
        for (int i = 1; i < n; i++) {
            if (relations.operator(chunk.relation[i]).type() != type) {
                throw new UnsupportedOperationException("Nd4jChunkStep trains chunks of one operator type; this chunk mixes "
                        + type + " and " + relations.operator(chunk.relation[i]).type());
            }
        }
        INDArray lhs = gather(chunk.lhsTable, chunk.lhs, n);
        INDArray rhs = gather(chunk.rhsTable, chunk.rhs, n);
        INDArray lhsNeg = gather(chunk.lhsTable, chunk.lhsNegatives, chunk.lhsNegativeCount);
        INDArray rhsNeg = gather(chunk.rhsTable, chunk.rhsNegatives, chunk.rhsNegativeCount);
        INDArray gLhs = Nd4j.zeros(DataType.FLOAT, n, d);
        INDArray gRhs = Nd4j.zeros(DataType.FLOAT, n, d);
        INDArray gLhsNeg = Nd4j.zeros(DataType.FLOAT, Math.max(1, chunk.lhsNegativeCount), d);
        INDArray gRhsNeg = Nd4j.zeros(DataType.FLOAT, Math.max(1, chunk.rhsNegativeCount), d);
        Map<Integer, INDArray> relGrads = new LinkedHashMap<>();
        double loss = 0;
        for (boolean predictLhs : new boolean[] {false, true}) {
            if (predictLhs ? !settings.predictLhs() : !settings.predictRhs()) {
                continue;
            }
            INDArray src = predictLhs ? rhs : lhs;
            INDArray cand = predictLhs ? lhs : rhs;
            INDArray neg = predictLhs ? lhsNeg : rhsNeg;
            int u = predictLhs ? chunk.lhsNegativeCount : chunk.rhsNegativeCount;
            int[] candIds = predictLhs ? chunk.lhs : chunk.rhs;
            int[] negIds = predictLhs ? chunk.lhsNegatives : chunk.rhsNegatives;
            int slot = relations.slot(predictLhs);
            boolean adjoint = relations.adjoint(predictLhs);
            INDArray params = gatherParams(chunk, slot);
            INDArray candidates = u == 0 ? cand : Nd4j.vstack(cand, neg.get(NDArrayIndex.interval(0, u), NDArrayIndex.all()));
            DirectionGrads g = direction(chunk, type, src, params, adjoint, candidates, candIds, negIds, u);
            loss += g.loss();
            (predictLhs ? gRhs : gLhs).addi(g.src());
            (predictLhs ? gLhs : gRhs).addi(g.cand().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
            if (u > 0) {
                (predictLhs ? gLhsNeg : gRhsNeg).get(NDArrayIndex.interval(0, u), NDArrayIndex.all())
                        .addi(g.cand().get(NDArrayIndex.interval(n, n + u), NDArrayIndex.all()));
            }
            if (g.params() != null) {
                // sum the per-edge parameter gradients of each relation: one-hot(edge -> relation)^T * gParams
                List<Integer> distinct = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (!distinct.contains(chunk.relation[i])) {
                        distinct.add(chunk.relation[i]);
                    }
                }
                INDArray oneHot = Nd4j.zeros(DataType.FLOAT, n, distinct.size());
                for (int i = 0; i < n; i++) {
                    oneHot.putScalar(i, distinct.indexOf(chunk.relation[i]), 1f);
                }
                INDArray perRelation = oneHot.transpose().mmul(g.params());
                for (int k = 0; k < distinct.size(); k++) {
                    int key = distinct.get(k) * relations.slots() + slot;
                    INDArray row = perRelation.getRow(k).dup().reshape(1, perRelation.columns());
                    relGrads.merge(key, row, INDArray::add);
                }
            }
        }
        float lr = settings.learningRate();
        rowAdagrad(chunk.lhsTable, chunk.lhs, n, lhs, gLhs, lr);
        rowAdagrad(chunk.rhsTable, chunk.rhs, n, rhs, gRhs, lr);
        if (chunk.sharedNegatives) {
            // one set of rows for both sides: one update with both directions' gradient (gathered twice above, the
            // two copies hold the same values)
            gLhsNeg.addi(gRhsNeg);
        }
        if (settings.predictLhs() && chunk.lhsNegativeCount > 0) {
            rowAdagrad(chunk.lhsTable, chunk.lhsNegatives, chunk.lhsNegativeCount, lhsNeg, gLhsNeg, lr);
        }
        if (settings.predictRhs() && chunk.rhsNegativeCount > 0 && !chunk.sharedNegatives) {
            rowAdagrad(chunk.rhsTable, chunk.rhsNegatives, chunk.rhsNegativeCount, rhsNeg, gRhsNeg, lr);
        }
        if (settings.relationLearningRate() > 0) {
            for (Map.Entry<Integer, INDArray> e : relGrads.entrySet()) {
                int r = e.getKey() / relations.slots();
                int slot = e.getKey() % relations.slots();
                float[] p = relations.params(r, slot);
                float[] st = relations.state(r, slot);
                INDArray g = e.getValue();
                INDArray state = Nd4j.create(st.clone(), new long[] {1, st.length}, DataType.FLOAT).addi(g.mul(g));
                INDArray value = Nd4j.create(p.clone(), new long[] {1, p.length}, DataType.FLOAT)
                        .subi(g.mul(settings.relationLearningRate()).divi(Transforms.sqrt(state).addi(1e-10)));
                // an element with no gradient keeps its value and accumulator, as in the BLAS step
                float[] gv = g.toFloatVector();
                float[] sv = state.toFloatVector();
                float[] vv = value.toFloatVector();
                for (int k = 0; k < p.length; k++) {
                    if (gv[k] != 0f) {
                        st[k] = sv[k];
                        p[k] = vv[k];
                    }
                }
            }
        }
        return loss;
    }

    private DirectionGrads direction(Chunk chunk, OperatorType type, INDArray x, INDArray params, boolean adjoint,
                                     INDArray candidates, int[] candIds, int[] negIds, int u) {
        int n = chunk.size;
        int m = n + u;
        Comparator cmp = settings.comparator();
        INDArray q = forward(type, x, params, adjoint);

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
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            posData[i * m + i] = 1f;
            for (int j = 0; j < n; j++) {
                validData[i * m + j] = settings.batchNegatives() && j != i && candIds[j] != candIds[i] ? 1f : 0f;
            }
            for (int j = 0; j < u; j++) {
                validData[i * m + n + j] = negIds[j] != candIds[i] ? 1f : 0f;
            }
            w[i] = chunk.weight[i] * relations.weight(chunk.relation[i]);
        }
        INDArray valid = Nd4j.create(validData, new long[] {n, m}, DataType.FLOAT);
        INDArray pos = Nd4j.create(posData, new long[] {n, m}, DataType.FLOAT);
        INDArray weights = Nd4j.create(w, new long[] {n, 1}, DataType.FLOAT);
        INDArray sPos = s.mul(pos).sum(1).reshape(n, 1);

        INDArray lossRows;
        INDArray g;
        switch (settings.loss()) {
            case SOFTMAX -> {
                INDArray allowed = valid.add(pos);
                INDArray masked = s.mul(allowed).addi(allowed.rsub(1).muli(-1e30));
                INDArray rowMax = masked.max(1).reshape(n, 1);
                INDArray e = Transforms.exp(masked.subColumnVector(rowMax)).muli(allowed);
                INDArray z = e.sum(1).reshape(n, 1);
                lossRows = Transforms.log(z).addi(rowMax).subi(sPos);
                g = e.divColumnVector(z).subi(pos);
            }
            case LOGISTIC -> {
                INDArray count = Transforms.max(valid.sum(1).reshape(n, 1), 1.0);
                lossRows = Transforms.softPlus(s).muli(valid).sum(1).reshape(n, 1).divi(count)
                        .addi(Transforms.softPlus(sPos.neg()));
                g = Transforms.sigmoid(s).muli(valid).divColumnVector(count)
                        .subi(Transforms.sigmoid(s.neg()).muli(pos));
            }
            case RANKING -> {
                INDArray v = s.subColumnVector(sPos).addi(settings.margin());
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

        // back through the operator
        INDArray[] back = backward(type, x, params, adjoint, gq);
        INDArray gx = back[0];
        INDArray gp = back[1];

        if (settings.n3() > 0f) {
            boolean complex = type == OperatorType.COMPLEX_DIAGONAL;
            INDArray coef = weights.mul(settings.n3());
            INDArray posCand = candidates.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
            loss += n3(x, complex, coef, gx);
            INDArray gPosCand = Nd4j.zeros(DataType.FLOAT, n, x.columns());
            loss += n3(posCand, complex, coef, gPosCand);
            gc.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).addi(gPosCand);
            if (gp != null) {
                loss += n3(params, complex, coef, gp);
            }
        }
        return new DirectionGrads(gx, gc, gp, loss);
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

    private INDArray gatherParams(Chunk chunk, int slot) {
        int n = chunk.size;
        int size = relations.params(chunk.relation[0], slot).length;
        if (size == 0) {
            return Nd4j.zeros(DataType.FLOAT, n, 1);
        }
        float[] flat = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(relations.params(chunk.relation[i], slot), 0, flat, i * size, size);
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

    /**
     * Adagrad in ND4J ops on the gathered rows (row-wise, or element-wise when the table keeps an accumulator per
     * entry), then the rows are written back to the table.
     */
    private void rowAdagrad(EmbeddingTable t, int[] ids, int count, INDArray rows, INDArray grad, float lr) {
        int d = t.dim();
        boolean elementwise = t.elementwise();
        INDArray g = grad.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
        INDArray x = rows.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
        int width = elementwise ? d : 1;
        float[] st = new float[count * width];
        for (int i = 0; i < count; i++) {
            System.arraycopy(t.state(ids[i]), t.stateOffset(ids[i]), st, i * width, width);
        }
        INDArray state = Nd4j.create(st, new long[] {count, width}, DataType.FLOAT);
        INDArray updated;
        if (elementwise) {
            state.addi(g.mul(g));
            updated = x.sub(g.mul(lr).divi(Transforms.sqrt(state).addi(1e-10)));
        } else {
            state.addi(g.mul(g).mean(1).reshape(count, 1));
            updated = x.sub(g.mul(lr).divColumnVector(Transforms.sqrt(state).addi(1e-10)));
        }
        if (settings.maxNorm() > 0f) {
            INDArray norms = updated.norm2(1).reshape(count, 1);
            INDArray scale = Transforms.min(norms.rdiv(settings.maxNorm()), 1.0);
            updated.muliColumnVector(scale);
        }
        float[] u = updated.dup('c').data().asFloat();
        float[] s = state.dup('c').data().asFloat();
        INDArray active = g.mul(g).sum(1);
        float[] a = active.toFloatVector();
        for (int i = 0; i < count; i++) {
            if (a[i] == 0f) {
                continue;
            }
            System.arraycopy(u, i * d, t.data(ids[i]), t.dataOffset(ids[i]), d);
            System.arraycopy(s, i * width, t.state(ids[i]), t.stateOffset(ids[i]), width);
        }
    }

    @Override
    public void close() {
    }
}
