package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.optim.Adagrad;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batch of chunks is one optimizer step: the accumulator's result equals computing every chunk's gradient at the
 * same (unchanged) parameters, summing them per row and per relation slot, and applying Adagrad once.
 */
class GradientAccumulatorTest {

    private static final int DIM = 6;
    private static final int ROWS = 9;

    @Test
    void sharedTableTwoChunksIsOneAdagradStepOnTheSummedGradient() {
        check(true);
    }

    @Test
    void separateSideTablesTwoChunksIsOneAdagradStepOnTheSummedGradient() {
        check(false);
    }

    /**
     * An accumulator used for batch after batch gives what a new one per batch gives: a slot that held one batch's
     * row holds nothing of it in the next (the slots are reused unzeroed, a new row's first gradient overwrites).
     */
    @Test
    void reusedAcrossBatchesIsANewAccumulatorPerBatch() {
        for (boolean shared : new boolean[] {true, false}) {
            ModelConfig model = ModelConfig.simple(DIM, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
            TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(3, true, 4, true, true, false)).withBatchSize(6);
            StepSettings settings = StepSettings.of(model, training);
            RelationParameters relA = RelationParameters.create(model, List.of("r0", "r1"), new int[] {DIM, DIM});
            RelationParameters relB = relA.copy();
            Random random = new Random(3);
            EmbeddingTable lhsA = EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, random);
            EmbeddingTable rhsA = shared ? lhsA : EmbeddingTable.random("e", 1, ROWS, DIM, 0.5, random);
            EmbeddingTable lhsB = copy(lhsA);
            EmbeddingTable rhsB = shared ? lhsB : copy(rhsA);
            // batches whose rows differ, so that the second batch's rows land in slots the first batch's rows held
            int[][][] edges = {{{0, 0, 1}, {1, 2, 3}, {0, 4, 0}}, {{1, 5, 6}, {1, 7, 8}, {0, 6, 5}}, {{0, 8, 2}, {1, 3, 7}, {1, 1, 4}}};
            int[][] lhsNeg = {{5, 6, 1, 5}, {0, 2, 3, 1}, {6, 0, 5, 7}};
            int[][] rhsNeg = {{7, 8, 2, 2}, {4, 3, 0, 4}, {2, 8, 1, 6}};
            GradientAccumulator reused = new GradientAccumulator(relA, settings);
            try (StepDriver stepA = StepDriver.blas(relA, settings, 3, 4, DIM); StepDriver stepB = StepDriver.blas(relB, settings, 3, 4, DIM)) {
                for (int batch = 0; batch < 3; batch++) {
                    GradientAccumulator fresh = new GradientAccumulator(relB, settings);
                    for (int k = 0; k < 2; k++) {
                        int c = (batch + k) % 3;
                        Chunk a = chunk(lhsA, rhsA, edges[c], lhsNeg[c], rhsNeg[c]);
                        stepA.computeGradients(a);
                        reused.add(a, stepA.gradients);
                        Chunk b = chunk(lhsB, rhsB, edges[c], lhsNeg[c], rhsNeg[c]);
                        stepB.computeGradients(b);
                        fresh.add(b, stepB.gradients);
                    }
                    reused.flush();
                    fresh.flush();
                    assertArrayEquals(lhsB.segmentData(0), lhsA.segmentData(0), "batch " + batch + ", shared " + shared);
                    assertArrayEquals(rhsB.segmentData(0), rhsA.segmentData(0), "batch " + batch + ", shared " + shared);
                    assertArrayEquals(lhsB.segmentState(0), lhsA.segmentState(0), "batch " + batch + ", shared " + shared);
                }
            }
        }
    }

    private static void check(boolean shared) {
        Random random = new Random(shared ? 1 : 2);
        ModelConfig model = ModelConfig.simple(DIM, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true)
                .withRegularizer(RegularizerType.N3, 0.01);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(3, true, 4, true, true, false)).withBatchSize(6);
        assertEquals(2, training.chunksPerStep());
        StepSettings settings = StepSettings.of(model, training);
        RelationParameters rel = RelationParameters.create(model, List.of("r0", "r1"), new int[] {DIM, DIM});
        EmbeddingTable lhs = EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, random);
        EmbeddingTable rhs = shared ? lhs : EmbeddingTable.random("e", 1, ROWS, DIM, 0.5, random);
        Chunk a = chunk(lhs, rhs, new int[][] {{0, 0, 1}, {1, 2, 3}, {0, 4, 0}}, new int[] {5, 6, 1, 5}, new int[] {7, 8, 2, 2});
        Chunk b = chunk(lhs, rhs, new int[][] {{1, 1, 2}, {1, 0, 8}, {0, 3, 3}}, new int[] {0, 4, 7, 6}, new int[] {5, 1, 1, 3});

        // expected: dense sums of both chunks' gradients at the starting parameters, then one Adagrad step
        float[] gl = new float[ROWS * DIM];
        float[] gr = shared ? gl : new float[ROWS * DIM];
        float[][] gRel = new float[4][];
        try (StepDriver step = StepDriver.blas(rel, settings, 3, 4, DIM)) {
            for (Chunk c : List.of(a, b)) {
                step.computeGradients(c);
                GradientCheckTest.addDense(step, c, DIM, gl, gr);
                for (int r = 0; r < 2; r++) {
                    for (int slot = 0; slot < 2; slot++) {
                        float[] g = step.relationGradient(r, slot);
                        if (g != null) {
                            int k = r * 2 + slot;
                            gRel[k] = gRel[k] == null ? new float[g.length] : gRel[k];
                            for (int e = 0; e < g.length; e++) {
                                gRel[k][e] += g[e];
                            }
                        }
                    }
                }
            }
        }
        EmbeddingTable expLhs = copy(lhs);
        EmbeddingTable expRhs = shared ? expLhs : copy(rhs);
        RelationParameters expRel = rel.copy();
        for (int row = 0; row < ROWS; row++) {
            Adagrad.rowUpdate(expLhs, row, gl, row * DIM, settings.learningRate(), 0f);
            if (!shared) {
                Adagrad.rowUpdate(expRhs, row, gr, row * DIM, settings.learningRate(), 0f);
            }
        }
        for (int k = 0; k < 4; k++) {
            if (gRel[k] != null) {
                float[] p = expRel.params(k / 2, k % 2);
                Adagrad.elementUpdate(p, expRel.state(k / 2, k % 2), gRel[k], p.length, settings.relationLearningRate());
            }
        }

        // actual: the accumulator
        GradientAccumulator acc = new GradientAccumulator(rel, settings);
        try (StepDriver step = StepDriver.blas(rel, settings, 3, 4, DIM)) {
            for (Chunk c : List.of(a, b)) {
                step.computeGradients(c);
                acc.add(c, step.gradients);
            }
        }
        assertEquals(2, acc.chunks());
        acc.flush();
        assertEquals(0, acc.chunks());

        assertArrayEquals(expLhs.segmentData(0), lhs.segmentData(0), 1e-6f);
        assertArrayEquals(expLhs.segmentState(0), lhs.segmentState(0), 1e-6f);
        assertArrayEquals(expRhs.segmentData(0), rhs.segmentData(0), 1e-6f);
        assertArrayEquals(expRhs.segmentState(0), rhs.segmentState(0), 1e-6f);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(expRel.params(k / 2, k % 2), rel.params(k / 2, k % 2), 1e-6f);
            assertArrayEquals(expRel.state(k / 2, k % 2), rel.state(k / 2, k % 2), 1e-6f);
        }
    }

    private static Chunk chunk(EmbeddingTable lhs, EmbeddingTable rhs, int[][] edges, int[] lhsNeg, int[] rhsNeg) {
        Chunk c = new Chunk(3, 4);
        c.lhsTable = lhs;
        c.rhsTable = rhs;
        for (int[] e : edges) {
            c.add(e[0], e[1], e[2], 1f);
        }
        c.negatives(lhsNeg, lhsNeg.length, rhsNeg, rhsNeg.length);
        return c;
    }

    private static EmbeddingTable copy(EmbeddingTable t) {
        EmbeddingTable c = EmbeddingTable.random(t.entityType(), t.partition(), t.rows(), t.dim(), 1.0, new Random(0));
        System.arraycopy(t.segmentData(0), 0, c.segmentData(0), 0, t.segmentData(0).length);
        System.arraycopy(t.segmentState(0), 0, c.segmentState(0), 0, t.segmentState(0).length);
        return c;
    }
}
