package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shared negatives ({@code training.negatives.shared}): the BLAS step scores both directions in one stacked pass. On a
 * chunk whose two sides' negatives are the same draw, that pass must compute what two separate passes compute: the same
 * loss, the same gradients of the chunk's rows and relation parameters, and for each negative row the sum of the two
 * directions' gradients (which then makes one update instead of one per side). The ND4J step, written independently,
 * must apply the same updates to the same state.
 */
class SharedNegativesTest {

    private static final int DIM = 6;
    private static final int ROWS = 40;
    private static final int N = 5;
    private static final int U = 6;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, LossType.SOFTMAX, true),
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, LossType.SOFTMAX, false),
                Arguments.of(OperatorType.TRANSLATION, ComparatorType.L2, LossType.RANKING, false),
                Arguments.of(OperatorType.LINEAR, ComparatorType.COS, LossType.LOGISTIC, true),
                Arguments.of(OperatorType.AFFINE, ComparatorType.SQUARED_L2, LossType.SOFTMAX, false),
                Arguments.of(OperatorType.DIAGONAL, ComparatorType.DOT, LossType.RANKING, true),
                // operator none with dot and batch negatives: the paired pass, with and without a shared draw
                Arguments.of(OperatorType.NONE, ComparatorType.DOT, LossType.SOFTMAX, false),
                Arguments.of(OperatorType.NONE, ComparatorType.DOT, LossType.RANKING, true));
    }

    @ParameterizedTest(name = "{0} {1} {2} reciprocal={3}")
    @MethodSource("models")
    void stackedPassEqualsTwoSeparatePasses(OperatorType op, ComparatorType cmp, LossType loss, boolean reciprocal) {
        ModelConfig model = model(op, cmp, reciprocal);
        RelationParameters rel = relations(model, new Random(op.ordinal() * 31L + cmp.ordinal()));
        EmbeddingTable table = EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, new SplittableRandom(3));
        int[] neg = {7, 8, 9, 3, 10, 11};
        Chunk separate = chunk(table);
        separate.negatives(neg.clone(), U, neg.clone(), U);
        Chunk shared = chunk(table);
        shared.sharedNegatives(neg.clone(), U);
        try (StepDriver two = StepDriver.blas(rel, settings(model, loss, false), N, U, DIM);
             StepDriver one = StepDriver.blas(rel, settings(model, loss, true), N, U, DIM)) {
            double l2 = two.computeGradients(separate);
            double l1 = one.computeGradients(shared);
            assertEquals(l2, l1, 1e-5 * Math.max(1, Math.abs(l2)), "loss");
            assertClose("lhs rows", two.gradLhs, one.gradLhs, N * DIM);
            assertClose("rhs rows", two.gradRhs, one.gradRhs, N * DIM);
            float[] sum = new float[U * DIM];
            for (int k = 0; k < sum.length; k++) {
                sum[k] = two.gradLhsNeg[k] + two.gradRhsNeg[k];
            }
            assertClose("negatives (both directions summed)", sum, one.gradLhsNeg, U * DIM);
            for (int r = 0; r < rel.count(); r++) {
                for (int slot = 0; slot < rel.slots(); slot++) {
                    float[] a = two.relationGradient(r, slot);
                    float[] b = one.relationGradient(r, slot);
                    assertEquals(a == null, b == null, "relation " + r + " slot " + slot + " touched");
                    if (a != null) {
                        assertClose("relation " + r + " slot " + slot, a, b, rel.params(r, slot).length);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} reciprocal={3}")
    @MethodSource("models")
    void nd4jStepAppliesTheSameUpdates(OperatorType op, ComparatorType cmp, LossType loss, boolean reciprocal) {
        ModelConfig model = model(op, cmp, reciprocal).withMaxNorm(3.0);
        Random random = new Random(op.ordinal() * 17L + cmp.ordinal());
        RelationParameters relA = relations(model, random);
        RelationParameters relB = relA.copy();
        EmbeddingTable tableA = EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, new SplittableRandom(5));
        EmbeddingTable tableB = tableA.copy();
        StepSettings settings = settings(model, loss, true);
        try (StepDriver blas = StepDriver.blas(relA, settings, N, U, DIM);
             StepDriver nd4j = StepDriver.nd4j(relB, settings, N, U, DIM)) {
            for (int step = 0; step < 3; step++) {
                // 5 lhs, 5 rhs and 6 negative rows, all different: the two steps treat a row repeated within a chunk
                // differently by design (see Nd4jChunkStep)
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < ROWS; i++) {
                    ids.add(i);
                }
                Collections.shuffle(ids, random);
                int[] neg = new int[U];
                for (int j = 0; j < U; j++) {
                    neg[j] = ids.get(2 * N + j);
                }
                Chunk a = new Chunk(N, U);
                Chunk b = new Chunk(N, U);
                for (Chunk c : List.of(a, b)) {
                    c.lhsTable = c == a ? tableA : tableB;
                    c.rhsTable = c.lhsTable;
                    for (int i = 0; i < N; i++) {
                        c.add(i % 3, ids.get(i), ids.get(N + i), 1f + 0.25f * i);
                    }
                    c.sharedNegatives(neg.clone(), U);
                }
                double la = blas.train(a);
                double lb = nd4j.train(b);
                assertEquals(la, lb, 1e-4 * Math.max(1, Math.abs(la)), "step " + step + " loss");
            }
        }
        assertClose("embeddings", tableA.segmentData(0), tableB.segmentData(0), tableA.segmentData(0).length);
        assertClose("accumulators", tableA.segmentState(0), tableB.segmentState(0), tableA.segmentState(0).length);
        for (int r = 0; r < relA.count(); r++) {
            for (int s = 0; s < relA.slots(); s++) {
                assertClose("relation " + r + " slot " + s, relA.params(r, s), relB.params(r, s), relA.params(r, s).length);
            }
        }
    }

    @Test
    void aStepBuiltForSeparateNegativesRefusesASharedChunk() {
        ModelConfig model = model(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        RelationParameters rel = relations(model, new Random(1));
        EmbeddingTable table = EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, new SplittableRandom(3));
        Chunk chunk = chunk(table);
        chunk.sharedNegatives(new int[] {1, 2, 3}, 3);
        try (StepDriver step = StepDriver.blas(rel, settings(model, LossType.SOFTMAX, false), N, U, DIM)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.train(chunk));
            assertNotNull(e.getMessage());
        }
        Chunk twoTables = new Chunk(N, U);
        twoTables.lhsTable = table;
        twoTables.rhsTable = table.copy();
        assertThrows(IllegalStateException.class, () -> twoTables.sharedNegatives(new int[] {1}, 1));
    }

    private static ModelConfig model(OperatorType op, ComparatorType cmp, boolean reciprocal) {
        return ModelConfig.simple(DIM, op, cmp, reciprocal).withRegularizer(RegularizerType.N3, 0.01);
    }

    private static StepSettings settings(ModelConfig model, LossType loss, boolean shared) {
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(N, true, U, true, true, false, shared))
                .withLoss(loss, 0.5).withLearningRates(0.1, 0.05);
        return StepSettings.of(model, training);
    }

    private static RelationParameters relations(ModelConfig model, Random random) {
        RelationParameters rel = RelationParameters.create(model, List.of("a", "b", "c"), new int[] {DIM, DIM, DIM});
        for (int r = 0; r < 3; r++) {
            for (int s = 0; s < rel.slots(); s++) {
                float[] p = rel.params(r, s);
                for (int k = 0; k < p.length; k++) {
                    p[k] += (float) (random.nextGaussian() * 0.2);
                }
            }
        }
        return rel;
    }

    /** Five edges in one table; edge 4 repeats edge 1's rhs and negative 3 is edge 1's lhs, so masks matter. */
    private static Chunk chunk(EmbeddingTable table) {
        Chunk c = new Chunk(N, U);
        c.lhsTable = table;
        c.rhsTable = table;
        int[][] edges = {{0, 1, 2}, {1, 3, 4}, {2, 5, 6}, {0, 12, 13}, {1, 14, 4}};
        for (int i = 0; i < N; i++) {
            c.add(edges[i][0], edges[i][1], edges[i][2], 1f + 0.5f * i);
        }
        return c;
    }

    private static void assertClose(String what, float[] expected, float[] actual, int len) {
        for (int k = 0; k < len; k++) {
            assertEquals(expected[k], actual[k], 1e-4 * Math.max(1, Math.abs(expected[k])), what + "[" + k + "]");
        }
    }
}
