package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.RelationConfig;
import io.embark.embedding.config.RelationInit;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ND4J-ops step and the BLAS step, written independently, take three steps from the same state on the same chunks,
 * through the same optimizer, and must agree on the losses and on every updated embedding, accumulator and relation
 * parameter (to float32 rounding: 1e-4 relative). {@link #bothStepsAgreeOnRepeatedRowsMixedOperatorsAndBatches} draws
 * rows with replacement from a small table and mixes operator types inside each chunk, with and without shared
 * negatives and batches: every config the trainer gives either step.
 */
class Nd4jCrossCheckTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, LossType.SOFTMAX, true, 0.01, false),
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, LossType.SOFTMAX, false, 0.0, false),
                Arguments.of(OperatorType.TRANSLATION, ComparatorType.L2, LossType.RANKING, false, 0.0, false),
                Arguments.of(OperatorType.LINEAR, ComparatorType.COS, LossType.LOGISTIC, true, 0.0, false),
                Arguments.of(OperatorType.AFFINE, ComparatorType.SQUARED_L2, LossType.SOFTMAX, false, 0.01, false),
                Arguments.of(OperatorType.DIAGONAL, ComparatorType.DOT, LossType.LOGISTIC, true, 0.01, false),
                Arguments.of(OperatorType.NONE, ComparatorType.COS, LossType.RANKING, true, 0.0, false),
                // the BLAS step's paired pass (operator none, dot, batch negatives on both sides)
                Arguments.of(OperatorType.NONE, ComparatorType.DOT, LossType.SOFTMAX, false, 0.01, false),
                // element-wise Adagrad of the embeddings (training.adagrad = elementwise)
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, LossType.SOFTMAX, true, 0.01, true),
                Arguments.of(OperatorType.TRANSLATION, ComparatorType.L2, LossType.RANKING, false, 0.0, true),
                // DURA instead of N3 (a negative coefficient here: -0.1 means model.regularizer = dura, 0.1)
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, LossType.SOFTMAX, true, -0.1, true),
                Arguments.of(OperatorType.LINEAR, ComparatorType.DOT, LossType.LOGISTIC, false, -0.1, false),
                Arguments.of(OperatorType.NONE, ComparatorType.DOT, LossType.SOFTMAX, false, -0.1, false));
    }

    @ParameterizedTest(name = "{0} {1} {2} reciprocal={3} n3={4} elementwise={5}")
    @MethodSource("models")
    void bothStepsAgree(OperatorType op, ComparatorType cmp, LossType loss, boolean reciprocal, double n3, boolean elementwise) {
        int dim = 6;
        int rows = 40;
        ModelConfig model = ModelConfig.simple(dim, op, cmp, reciprocal).withMaxNorm(3.0);
        if (n3 != 0) {
            model = model.withRegularizer(n3 > 0 ? RegularizerType.N3 : RegularizerType.DURA, Math.abs(n3));
        }
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(5, true, 6, true, true, false))
                .withLoss(loss, 0.5).withLearningRates(0.1, 0.05);
        StepSettings settings = StepSettings.of(model, training);
        RelationParameters relA = RelationParameters.create(model, List.of("a", "b", "c"), new int[] {dim, dim, dim});
        Random random = new Random(op.ordinal() * 7L + cmp.ordinal());
        perturb(relA, random);
        RelationParameters relB = relA.copy();
        EmbeddingTable lhsA = EmbeddingTable.random("e", 0, rows, dim, 0.5, new SplittableRandom(1), elementwise);
        EmbeddingTable rhsA = EmbeddingTable.random("e", 1, rows, dim, 0.5, new SplittableRandom(2), elementwise);
        EmbeddingTable lhsB = lhsA.copy();
        EmbeddingTable rhsB = rhsA.copy();
        try (StepDriver blas = StepDriver.blas(relA, settings, 5, 6, dim);
             StepDriver nd4j = StepDriver.nd4j(relB, settings, 5, 6, dim)) {
            for (int step = 0; step < 3; step++) {
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    ids.add(i);
                }
                Collections.shuffle(ids, random);
                List<Integer> ids2 = new ArrayList<>(ids);
                Collections.shuffle(ids2, random);
                Chunk a = new Chunk(5, 6);
                Chunk b = new Chunk(5, 6);
                int[] ln = new int[6];
                int[] rn = new int[6];
                for (int j = 0; j < 6; j++) {
                    ln[j] = ids.get(5 + j);
                    rn[j] = ids2.get(5 + j);
                }
                for (Chunk c : List.of(a, b)) {
                    c.lhsTable = c == a ? lhsA : lhsB;
                    c.rhsTable = c == a ? rhsA : rhsB;
                    for (int i = 0; i < 5; i++) {
                        c.add(i % 3, ids.get(i), ids2.get(i), 1f + 0.25f * i);
                    }
                    c.negatives(ln.clone(), 6, rn.clone(), 6);
                }
                double la = blas.train(a);
                double lb = nd4j.train(b);
                assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "step " + step + " loss");
            }
        }
        assertSameState(lhsA, rhsA, relA, lhsB, rhsB, relB);
    }

    /**
     * Per-relation operators of three types in every chunk (complex_diagonal, translation, linear: three operator
     * groups, complex and real N3), rows drawn with replacement from 8 entities (so an entity repeats among a chunk's
     * rows, among its negatives and between the two), optionally one shared set of negatives for both sides (one
     * table), and optionally batches of two chunks summed by {@link GradientAccumulator}.
     */
    @ParameterizedTest(name = "{0} {1} shared={2} chunksPerStep={3}")
    @CsvSource({"DOT, SOFTMAX, false, 1", "DOT, SOFTMAX, true, 1", "DOT, SOFTMAX, false, 2", "DOT, SOFTMAX, true, 2",
        "COS, RANKING, false, 1", "SQUARED_L2, LOGISTIC, true, 2", "L2, RANKING, false, 2"})
    void bothStepsAgreeOnRepeatedRowsMixedOperatorsAndBatches(ComparatorType cmp, LossType loss, boolean shared, int chunksPerStep) {
        int dim = 6;
        int rows = 8;
        int n = 6;
        int u = 5;
        ModelConfig model = new ModelConfig(dim, Map.of(), cmp, RelationConfig.of(OperatorType.DIAGONAL),
                Map.of("a", RelationConfig.of(OperatorType.COMPLEX_DIAGONAL), "b", RelationConfig.of(OperatorType.TRANSLATION),
                        "c", new RelationConfig(OperatorType.LINEAR, 0.5, RelationInit.IDENTITY)),
                true, 1e-3, Optional.of(3.0), RegularizerType.N3, 0.01);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(n, true, u, true, true, false, shared))
                .withLoss(loss, 0.5).withLearningRates(0.1, 0.05).withBatchSize(chunksPerStep * n);
        StepSettings settings = StepSettings.of(model, training);
        RelationParameters relA = RelationParameters.create(model, List.of("a", "b", "c"), new int[] {dim, dim, dim});
        Random random = new Random(cmp.ordinal() * 31L + loss.ordinal() * 7L + (shared ? 1 : 0) + chunksPerStep);
        perturb(relA, random);
        RelationParameters relB = relA.copy();
        EmbeddingTable lhsA = EmbeddingTable.random("e", 0, rows, dim, 0.5, new SplittableRandom(1));
        EmbeddingTable rhsA = shared ? lhsA : EmbeddingTable.random("e", 1, rows, dim, 0.5, new SplittableRandom(2));
        EmbeddingTable lhsB = lhsA.copy();
        EmbeddingTable rhsB = shared ? lhsB : rhsA.copy();
        boolean repeated = false;
        try (StepDriver blas = StepDriver.blas(relA, settings, n, u, dim);
             StepDriver nd4j = StepDriver.nd4j(relB, settings, n, u, dim)) {
            Optimizer optA = Optimizer.of(relA, settings);
            Optimizer optB = Optimizer.of(relB, settings);
            for (int step = 0; step < 3 * chunksPerStep; step++) {
                Chunk a = new Chunk(n, u);
                Chunk b = new Chunk(n, u);
                int[] ln = new int[u];
                int[] rn = new int[u];
                int[][] edges = new int[n][];
                for (int i = 0; i < n; i++) {
                    edges[i] = new int[] {i % 3, random.nextInt(rows), random.nextInt(rows)};
                }
                for (int j = 0; j < u; j++) {
                    ln[j] = random.nextInt(rows);
                    rn[j] = random.nextInt(rows);
                }
                for (Chunk c : List.of(a, b)) {
                    c.lhsTable = c == a ? lhsA : lhsB;
                    c.rhsTable = c == a ? rhsA : rhsB;
                    for (int i = 0; i < n; i++) {
                        c.add(edges[i][0], edges[i][1], edges[i][2], 1f + 0.25f * i);
                    }
                    if (shared) {
                        c.sharedNegatives(ln.clone(), u);
                    } else {
                        c.negatives(ln.clone(), u, rn.clone(), u);
                    }
                }
                repeated |= hasRepeat(a.lhs, n) || hasRepeat(a.rhs, n);
                double la = blas.computeGradients(a);
                optA.add(a, blas.gradients);
                double lb = nd4j.computeGradients(b);
                optB.add(b, nd4j.gradients);
                if ((step + 1) % chunksPerStep == 0) {
                    optA.flush();
                    optB.flush();
                }
                assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "step " + step + " loss");
            }
        }
        assertTrue(repeated, "some chunk repeats an entity among its rows");
        assertSameState(lhsA, rhsA, relA, lhsB, rhsB, relB);
    }

    private static boolean hasRepeat(int[] ids, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (ids[i] == ids[j]) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A uniform negative that is the row's own positive is no negative: it is skipped, like a batch negative equal to
     * the positive. The two steps' masks are written independently; on chunks whose uniform negatives repeat the
     * positives (twice for one of them) they must compute the same loss, with negatives per side and shared.
     */
    @ParameterizedTest(name = "{0} shared={1}")
    @CsvSource({"SOFTMAX, false", "SOFTMAX, true", "RANKING, false", "RANKING, true", "LOGISTIC, true"})
    void negativesEqualToThePositiveAreSkipped(LossType loss, boolean shared) {
        int dim = 6;
        int rows = 12;
        ModelConfig model = ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(4, true, 5, true, true, false, shared))
                .withLoss(loss, 0.5);
        StepSettings settings = StepSettings.of(model, training);
        RelationParameters rel = RelationParameters.create(model, List.of("a", "b"), new int[] {dim, dim});
        EmbeddingTable lhs = EmbeddingTable.random("e", 0, rows, dim, 0.5, new SplittableRandom(7));
        EmbeddingTable rhs = shared ? lhs : EmbeddingTable.random("e", 1, rows, dim, 0.5, new SplittableRandom(8));
        // rhs positives 1, 3, 5, 1; lhs positives 0, 2, 4, 6: negatives 1 (twice) and 3 hit the rhs side, 0 and 2 the lhs
        int[] neg = {1, 0, 3, 1, 9};
        double[] losses = new double[2];
        for (int k = 0; k < 2; k++) {
            Chunk chunk = new Chunk(4, 5);
            chunk.lhsTable = k == 0 ? lhs : lhs.copy();
            chunk.rhsTable = shared ? chunk.lhsTable : k == 0 ? rhs : rhs.copy();
            chunk.add(0, 0, 1, 1f);
            chunk.add(1, 2, 3, 1f);
            chunk.add(0, 4, 5, 0.5f);
            chunk.add(1, 6, 1, 2f);
            if (shared) {
                chunk.sharedNegatives(neg.clone(), 5);
            } else {
                chunk.negatives(new int[] {0, 2, 9, 0, 11}, 5, neg.clone(), 5);
            }
            if (k == 0) {
                try (StepDriver blas = StepDriver.blas(rel, settings, 4, 5, dim)) {
                    losses[0] = blas.computeGradients(chunk);
                }
            } else {
                try (StepDriver nd4j = StepDriver.nd4j(rel.copy(), settings, 4, 5, dim)) {
                    losses[1] = nd4j.train(chunk);
                }
            }
        }
        assertEquals(losses[1], losses[0], 1e-4 * Math.max(1, Math.abs(losses[1])), "loss");
    }

    /** Moves every relation parameter off its initial value, so that the operators are not the identity. */
    private static void perturb(RelationParameters rel, Random random) {
        for (int r = 0; r < rel.count(); r++) {
            for (int s = 0; s < rel.slots(); s++) {
                float[] p = rel.params(r, s);
                for (int k = 0; k < p.length; k++) {
                    p[k] += (float) (random.nextGaussian() * 0.2);
                }
            }
        }
    }

    /** The two runs' embeddings, accumulators and relation parameters agree to float32 rounding. */
    static void assertSameState(EmbeddingTable lhsA, EmbeddingTable rhsA, RelationParameters relA,
                                        EmbeddingTable lhsB, EmbeddingTable rhsB, RelationParameters relB) {
        assertClose("lhs embeddings", lhsA.segmentData(0), lhsB.segmentData(0));
        assertClose("rhs embeddings", rhsA.segmentData(0), rhsB.segmentData(0));
        assertClose("lhs accumulators", lhsA.segmentState(0), lhsB.segmentState(0));
        assertClose("rhs accumulators", rhsA.segmentState(0), rhsB.segmentState(0));
        for (int r = 0; r < relA.count(); r++) {
            for (int s = 0; s < relA.slots(); s++) {
                assertClose("relation " + r + " slot " + s, relA.params(r, s), relB.params(r, s));
                assertClose("relation " + r + " slot " + s + " accumulators", relA.state(r, s), relB.state(r, s));
            }
        }
    }

    static void assertClose(String what, float[] a, float[] b) {
        assertEquals(a.length, b.length);
        for (int k = 0; k < a.length; k++) {
            assertEquals(a[k], b[k], 1e-4 * Math.max(1, Math.abs(a[k])), what + "[" + k + "]");
        }
    }
}
