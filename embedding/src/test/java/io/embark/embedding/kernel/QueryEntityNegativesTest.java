package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code training.negatives.queryEntity}: each edge's own query entity is scored as one more negative of that edge
 * (l for (l, r, ?), t for (?, r, t)). Checked two ways: on a one-edge chunk it must be exactly the same as adding the
 * query entity to the uniform negatives by hand (same loss, same gradient per entity and per relation parameter),
 * which the steps compute through their ordinary negative paths; and on chunks with repeated rows the BLAS and ND4J
 * steps, written independently, must agree with it on, with negatives per side and shared.
 */
class QueryEntityNegativesTest {

    private static final int DIM = 6;

    private static StepSettings settings(LossType loss, boolean shared, boolean queryEntity, int n, int u) {
        return settings(loss, shared, queryEntity, 0, n, u);
    }

    private static StepSettings settings(LossType loss, boolean shared, boolean queryEntity, double margin, int n, int u) {
        ModelConfig model = ModelConfig.simple(DIM, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        TrainingConfig training = TrainingConfig.defaults(1,
                        new NegativesConfig(n, true, u, true, true, false, shared, queryEntity, margin))
                .withLoss(loss, 0.5).withLearningRates(0.1, 0.05);
        return StepSettings.of(model, training);
    }

    private static RelationParameters relations(long seed) {
        ModelConfig model = ModelConfig.simple(DIM, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        RelationParameters rel = RelationParameters.create(model, List.of("a", "b"), new int[] {DIM, DIM});
        Random random = new Random(seed);
        for (int r = 0; r < rel.count(); r++) {
            for (int s = 0; s < rel.slots(); s++) {
                float[] p = rel.params(r, s);
                for (int k = 0; k < p.length; k++) {
                    p[k] += (float) (random.nextGaussian() * 0.3);
                }
            }
        }
        return rel;
    }

    @ParameterizedTest(name = "{0} shared={1} kernel={2}")
    @CsvSource({"SOFTMAX, false, BLAS", "SOFTMAX, true, BLAS", "RANKING, false, BLAS", "LOGISTIC, true, BLAS",
        "SOFTMAX, false, ND4J", "RANKING, false, ND4J"})
    void onOneEdgeItIsTheQueryEntityAddedToTheNegatives(LossType loss, boolean shared, StepKernel kernel) {
        int rows = 10;
        int l = 2;
        int t = 7;
        int[] uniform = {0, 4, 9};
        EmbeddingTable table = EmbeddingTable.random("e", 0, rows, DIM, 0.5, new SplittableRandom(3));
        RelationParameters rel = relations(11);

        Chunk withQuery = new Chunk(1, 5);
        withQuery.lhsTable = table;
        withQuery.rhsTable = table;
        withQuery.add(1, l, t, 1.5f);
        Chunk byHand = new Chunk(1, 5);
        byHand.lhsTable = table;
        byHand.rhsTable = table;
        byHand.add(1, l, t, 1.5f);
        if (shared) {
            withQuery.sharedNegatives(uniform.clone(), 3);
            // predicting l, negative t is the query entity; predicting t, negative l is; each equals the other side's
            // positive there and is skipped
            byHand.sharedNegatives(new int[] {0, 4, 9, t, l}, 5);
        } else {
            withQuery.negatives(uniform.clone(), 3, uniform.clone(), 3);
            byHand.negatives(new int[] {0, 4, 9, t}, 4, new int[] {0, 4, 9, l}, 4);
        }
        assertSameStep(kernel, rel, settings(loss, shared, true, 1, 5), withQuery, settings(loss, shared, false, 1, 5), byHand, 5);
    }

    /**
     * {@code training.negatives.queryMargin} with the softmax loss: a margin of ln 3 on the query entity's column is
     * that column counted three times, so on a one-edge chunk it must equal the query entity drawn three times as a
     * negative by hand (same loss, same gradient per entity and per relation parameter), with the query entity among
     * the uniform draws (as in 1-vs-all training) and as the appended query-entity negative.
     */
    @ParameterizedTest(name = "shared={0} queryEntity={1} kernel={2}")
    @CsvSource({"false, false, BLAS", "true, false, BLAS", "false, true, BLAS", "false, false, ND4J", "false, true, ND4J"})
    void aSoftmaxMarginOfLn3IsTheQueryEntityCountedThreeTimes(boolean shared, boolean queryEntity, StepKernel kernel) {
        int rows = 10;
        int l = 2;
        int t = 7;
        EmbeddingTable table = EmbeddingTable.random("e", 0, rows, DIM, 0.5, new SplittableRandom(5));
        RelationParameters rel = relations(13);
        Chunk withMargin = new Chunk(1, 9);
        withMargin.lhsTable = table;
        withMargin.rhsTable = table;
        withMargin.add(1, l, t, 1.5f);
        Chunk byHand = new Chunk(1, 9);
        byHand.lhsTable = table;
        byHand.rhsTable = table;
        byHand.add(1, l, t, 1.5f);
        if (queryEntity) {
            // the query entity only as the appended negative (with the option on, once; by hand, three times)
            withMargin.negatives(new int[] {0, 4, 9}, 3, new int[] {0, 4, 9}, 3);
            byHand.negatives(new int[] {0, 4, 9, t, t, t}, 6, new int[] {0, 4, 9, l, l, l}, 6);
        } else if (shared) {
            // both query entities drawn once; predicting t the query is l, predicting l it is t
            withMargin.sharedNegatives(new int[] {0, l, 4, t, 9}, 5);
            byHand.sharedNegatives(new int[] {0, l, 4, t, 9, l, l, t, t}, 9);
        } else {
            withMargin.negatives(new int[] {0, t, 4, 9}, 4, new int[] {l, 0, 4, 9}, 4);
            byHand.negatives(new int[] {0, t, 4, 9, t, t}, 6, new int[] {l, 0, 4, 9, l, l}, 6);
        }
        assertSameStep(kernel, rel, settings(LossType.SOFTMAX, shared, queryEntity, Math.log(3), 1, 9), withMargin,
                settings(LossType.SOFTMAX, shared, false, 0, 1, 9), byHand, 9);
    }

    /**
     * One-edge chunk {@code a} under settings {@code sa} and chunk {@code b} under {@code sb}, each through its own
     * step of {@code kernel}: the same loss, the same gradient per entity and per relation parameter of relation 1.
     */
    private static void assertSameStep(StepKernel kernel, RelationParameters rel, StepSettings sa, Chunk a, StepSettings sb,
                                       Chunk b, int uniformCapacity) {
        Map<Integer, float[]> gradA;
        Map<Integer, float[]> gradB;
        double lossA;
        double lossB;
        float[][] relA = new float[2][];
        float[][] relB = new float[2][];
        try (StepDriver da = new StepDriver(kernel, rel, sa, 1, uniformCapacity, DIM);
             StepDriver db = new StepDriver(kernel, rel, sb, 1, uniformCapacity, DIM)) {
            lossA = da.computeGradients(a);
            gradA = perEntity(a, da);
            relA[0] = da.relationGradient(1, 0).clone();
            relA[1] = da.relationGradient(1, 1).clone();
            lossB = db.computeGradients(b);
            gradB = perEntity(b, db);
            relB[0] = db.relationGradient(1, 0).clone();
            relB[1] = db.relationGradient(1, 1).clone();
        }
        assertEquals(lossB, lossA, 1e-5 * Math.max(1, Math.abs(lossB)), "loss");
        assertEquals(gradB.keySet(), gradA.keySet(), "entities with a gradient");
        for (int e : gradB.keySet()) {
            Nd4jCrossCheckTest.assertClose("entity " + e, gradB.get(e), gradA.get(e));
        }
        Nd4jCrossCheckTest.assertClose("relation slot 0", relB[0], relA[0]);
        Nd4jCrossCheckTest.assertClose("relation slot 1", relB[1], relA[1]);
    }

    /** Sums each entity's gradient over its roles in the chunk (row of either side, negative of either side). */
    private static Map<Integer, float[]> perEntity(Chunk c, StepDriver driver) {
        Map<Integer, float[]> sum = new HashMap<>();
        for (int i = 0; i < c.size; i++) {
            add(sum, c.lhs[i], driver.gradLhs, i);
            add(sum, c.rhs[i], driver.gradRhs, i);
        }
        for (int j = 0; j < c.lhsNegativeCount; j++) {
            add(sum, c.lhsNegatives[j], driver.gradLhsNeg, j);
        }
        if (!c.sharedNegatives) {
            for (int j = 0; j < c.rhsNegativeCount; j++) {
                add(sum, c.rhsNegatives[j], driver.gradRhsNeg, j);
            }
        }
        return sum;
    }

    private static void add(Map<Integer, float[]> sum, int id, float[] grad, int row) {
        float[] g = sum.computeIfAbsent(id, k -> new float[DIM]);
        for (int k = 0; k < DIM; k++) {
            g[k] += grad[row * DIM + k];
        }
    }

    /**
     * Chunks of 6 edges over 8 entities (an entity repeats among rows, among negatives, and an edge's query entity is
     * sometimes its own answer, which is then no negative), one table for both sides (one partition), two tables of
     * one type (two partitions: equal ids are different entities) and two entity types (no query-entity negative at
     * all): the two steps agree, and the option changes the loss exactly where it applies.
     */
    @ParameterizedTest(name = "{0} shared={1} tables={2} queryEntity={3} margin={4}")
    @CsvSource({"SOFTMAX, false, one, true, 0", "SOFTMAX, true, one, true, 0", "RANKING, false, one, true, 0",
        "LOGISTIC, false, partitions, true, 0", "SOFTMAX, false, partitions, true, 0", "SOFTMAX, false, types, true, 0",
        "SOFTMAX, false, one, false, 0.7", "SOFTMAX, true, one, false, 0.7", "RANKING, false, one, true, 0.7",
        "LOGISTIC, true, one, false, 0.7", "SOFTMAX, false, partitions, true, 0.7", "SOFTMAX, false, types, false, 0.7"})
    void bothStepsAgreeWithRepeatedRows(LossType loss, boolean shared, String tables, boolean queryEntity, double margin) {
        int rows = 8;
        int n = 6;
        int u = 5;
        Random random = new Random(loss.ordinal() * 13L + tables.length() + (shared ? 1 : 0));
        EmbeddingTable lhs = EmbeddingTable.random(tables.equals("types") ? "a" : "e", 0, rows, DIM, 0.5, new SplittableRandom(1));
        EmbeddingTable rhs = tables.equals("one") ? lhs
                : EmbeddingTable.random(tables.equals("types") ? "b" : "e", 1, rows, DIM, 0.5, new SplittableRandom(2));
        RelationParameters relA = relations(5);
        RelationParameters relB = relA.copy();
        EmbeddingTable lhsA = lhs.copy();
        EmbeddingTable rhsA = rhs == lhs ? lhsA : rhs.copy();
        EmbeddingTable lhsB = lhs.copy();
        EmbeddingTable rhsB = rhs == lhs ? lhsB : rhs.copy();
        try (StepDriver blas = StepDriver.blas(relA, settings(loss, shared, queryEntity, margin, n, u), n, u, DIM);
             StepDriver nd4j = StepDriver.nd4j(relB, settings(loss, shared, queryEntity, margin, n, u), n, u, DIM)) {
            for (int step = 0; step < 3; step++) {
                int[][] edges = new int[n][];
                for (int i = 0; i < n; i++) {
                    int h = random.nextInt(rows);
                    // edge 0 is a self-loop: its query entity is its answer, so no negative
                    edges[i] = new int[] {i % 2, h, i == 0 ? h : random.nextInt(rows)};
                }
                int[] ln = new int[u];
                int[] rn = new int[u];
                for (int j = 0; j < u; j++) {
                    ln[j] = random.nextInt(rows);
                    rn[j] = random.nextInt(rows);
                }
                Chunk a = chunk(lhsA, rhsA, edges, shared, ln, rn);
                Chunk b = chunk(lhsB, rhsB, edges, shared, ln, rn);
                Chunk c = chunk(lhsA.copy(), rhsA == lhsA ? null : rhsA.copy(), edges, shared, ln, rn);
                double lossWithout;
                try (StepDriver without = StepDriver.blas(relA.copy(), settings(loss, shared, false, n, u), n, u, DIM)) {
                    lossWithout = without.computeGradients(c);
                }
                double la = blas.train(a);
                double lb = nd4j.train(b);
                assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "step " + step + " loss");
                if (tables.equals("types")) {
                    assertEquals(lossWithout, la, 1e-5 * Math.max(1, Math.abs(la)), "no query-entity negative or margin across types");
                } else {
                    assertNotEquals(lossWithout, la, 1e-3 * Math.max(1, Math.abs(la)), "the option changes the loss");
                }
            }
        }
        Nd4jCrossCheckTest.assertSameState(lhsA, rhsA, relA, lhsB, rhsB, relB);
    }

    private static Chunk chunk(EmbeddingTable lhs, EmbeddingTable rhs, int[][] edges, boolean shared, int[] ln, int[] rn) {
        Chunk c = new Chunk(edges.length, ln.length);
        c.lhsTable = lhs;
        c.rhsTable = rhs == null ? lhs : rhs;
        for (int[] e : edges) {
            c.add(e[0], e[1], e[2], 1f);
        }
        if (shared) {
            c.sharedNegatives(ln.clone(), ln.length);
        } else {
            c.negatives(ln.clone(), ln.length, rn.clone(), rn.length);
        }
        return c;
    }
}
