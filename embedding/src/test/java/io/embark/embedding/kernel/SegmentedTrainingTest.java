package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.SegmentedTables;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Training on tables cut into segments of 4 rows (10 and 12 segments here) must give bit for bit what training on
 * one-array tables gives: the steps gather rows from, and scatter updates into, whichever segment holds them, and
 * nothing else changes (the step's buffers and products are the same). Covered: the BLAS step a chunk at a time and in
 * batches of summed gradients, with the dot comparator (rows copied straight into the BLAS buffer) and cosine (rows
 * copied through Java), row- and element-wise Adagrad, shared negatives, N3 and max-norm; the ND4J step; and scoring
 * a table against queries in blocks that follow the segments.
 */
class SegmentedTrainingTest {

    private static final int DIM = 6;
    private static final int LHS_ROWS = 40;
    private static final int RHS_ROWS = 45;
    private static final int N = 5;
    private static final int U = 7;
    private static final int RELATIONS = 3;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(ComparatorType.DOT, AdagradMode.ROWWISE, 0, false),
                Arguments.of(ComparatorType.DOT, AdagradMode.ROWWISE, 0, true),
                Arguments.of(ComparatorType.DOT, AdagradMode.ELEMENTWISE, 0, false),
                Arguments.of(ComparatorType.COS, AdagradMode.ROWWISE, 0, false),
                Arguments.of(ComparatorType.DOT, AdagradMode.ROWWISE, 3 * N, false),
                Arguments.of(ComparatorType.L2, AdagradMode.ELEMENTWISE, 3 * N, true));
    }

    @ParameterizedTest(name = "{0} {1} batch={2} shared={3}")
    @MethodSource("cases")
    void blasStepTrainsSegmentedTablesBitForBitAsOneArray(ComparatorType cmp, AdagradMode adagrad, int batchSize, boolean shared) {
        ModelConfig model = ModelConfig.simple(DIM, OperatorType.COMPLEX_DIAGONAL, cmp, true)
                .withRegularizer(RegularizerType.N3, 0.01).withMaxNorm(2.0);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(N, true, U, true, true, false, shared))
                .withLoss(LossType.SOFTMAX, 0.5).withLearningRates(0.1, 0.05).withBatchSize(batchSize).withAdagrad(adagrad);
        StepSettings settings = StepSettings.of(model, training);
        boolean elementwise = adagrad == AdagradMode.ELEMENTWISE;
        EmbeddingTable lhsOne = EmbeddingTable.random("a", 0, LHS_ROWS, DIM, 0.5, new SplittableRandom(1), elementwise);
        EmbeddingTable rhsOne = shared ? lhsOne : EmbeddingTable.random("b", 0, RHS_ROWS, DIM, 0.5, new SplittableRandom(2), elementwise);
        EmbeddingTable lhsSeg = SegmentedTables.resegmented(lhsOne, 4);
        EmbeddingTable rhsSeg = shared ? lhsSeg : SegmentedTables.resegmented(rhsOne, 4);
        RelationParameters relOne = relations(model);
        RelationParameters relSeg = relOne.copy();
        double lossOne = train(relOne, settings, lhsOne, rhsOne, shared);
        double lossSeg = train(relSeg, settings, lhsSeg, rhsSeg, shared);
        assertEquals(lossOne, lossSeg, 0.0, "loss");
        assertArrayEquals(SegmentedTables.flatten(lhsOne), SegmentedTables.flatten(lhsSeg), "lhs rows and accumulators");
        assertArrayEquals(SegmentedTables.flatten(rhsOne), SegmentedTables.flatten(rhsSeg), "rhs rows and accumulators");
        for (int r = 0; r < RELATIONS; r++) {
            for (int s = 0; s < relOne.slots(); s++) {
                assertArrayEquals(relOne.params(r, s), relSeg.params(r, s), "relation " + r + " slot " + s);
            }
        }
        // and training changed the tables (a test of nothing would pass too)
        assertEquals(false, java.util.Arrays.equals(SegmentedTables.flatten(lhsSeg),
                SegmentedTables.flatten(EmbeddingTable.random("a", 0, LHS_ROWS, DIM, 0.5, new SplittableRandom(1), elementwise))));
    }

    /** 12 chunks of random edges (rows repeat, and reach the last, short segment) with fresh negatives each. */
    private static double train(RelationParameters rel, StepSettings settings, EmbeddingTable lhs, EmbeddingTable rhs, boolean shared) {
        SplittableRandom random = new SplittableRandom(42);
        GradientAccumulator batch = settings.chunksPerStep() > 1 ? new GradientAccumulator(rel, settings) : null;
        double loss = 0;
        try (StepDriver step = StepDriver.blas(rel, settings, N, U, DIM)) {
            Chunk chunk = new Chunk(N, U);
            chunk.lhsTable = lhs;
            chunk.rhsTable = rhs;
            for (int c = 0; c < 12; c++) {
                fill(chunk, random, lhs.rows(), rhs.rows(), shared);
                if (batch == null) {
                    loss += step.train(chunk);
                } else {
                    loss += step.computeGradients(chunk);
                    batch.add(chunk, step.gradients);
                    if (batch.chunks() == settings.chunksPerStep()) {
                        batch.flush();
                    }
                }
            }
            if (batch != null && batch.chunks() > 0) {
                batch.flush();
            }
        }
        return loss;
    }

    private static void fill(Chunk chunk, SplittableRandom random, int lhsRows, int rhsRows, boolean shared) {
        chunk.clear();
        for (int i = 0; i < N; i++) {
            chunk.add(random.nextInt(RELATIONS), i == 0 ? lhsRows - 1 : random.nextInt(lhsRows), random.nextInt(rhsRows), 1f + 0.25f * i);
        }
        int[] ln = new int[U];
        int[] rn = new int[U];
        for (int j = 0; j < U; j++) {
            ln[j] = random.nextInt(lhsRows);
            rn[j] = random.nextInt(rhsRows);
        }
        if (shared) {
            chunk.sharedNegatives(ln, U);
        } else {
            chunk.negatives(ln, U, rn, U);
        }
    }

    @Test
    void nd4jStepTrainsSegmentedTablesBitForBitAsOneArray() {
        ModelConfig model = ModelConfig.simple(DIM, OperatorType.DIAGONAL, ComparatorType.DOT, false);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(N, true, U, true, true, false))
                .withLoss(LossType.RANKING, 0.5);
        StepSettings settings = StepSettings.of(model, training);
        EmbeddingTable lhsOne = EmbeddingTable.random("a", 0, LHS_ROWS, DIM, 0.5, new SplittableRandom(3));
        EmbeddingTable rhsOne = EmbeddingTable.random("b", 0, RHS_ROWS, DIM, 0.5, new SplittableRandom(4));
        EmbeddingTable lhsSeg = SegmentedTables.resegmented(lhsOne, 4);
        EmbeddingTable rhsSeg = SegmentedTables.resegmented(rhsOne, 4);
        RelationParameters relOne = relations(model);
        RelationParameters relSeg = relOne.copy();
        for (boolean segmented : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(7);
            Chunk chunk = new Chunk(N, U);
            chunk.lhsTable = segmented ? lhsSeg : lhsOne;
            chunk.rhsTable = segmented ? rhsSeg : rhsOne;
            try (StepDriver step = StepDriver.nd4j(segmented ? relSeg : relOne, settings, N, U, DIM)) {
                for (int c = 0; c < 6; c++) {
                    fill(chunk, random, LHS_ROWS, RHS_ROWS, false);
                    step.train(chunk);
                }
            }
        }
        assertArrayEquals(SegmentedTables.flatten(lhsOne), SegmentedTables.flatten(lhsSeg));
        assertArrayEquals(SegmentedTables.flatten(rhsOne), SegmentedTables.flatten(rhsSeg));
    }

    @Test
    void scoringASegmentedTableInBlocksGivesTheScoresOfOneArray() {
        for (ComparatorType type : List.of(ComparatorType.DOT, ComparatorType.COS, ComparatorType.L2)) {
            Comparator cmp = Comparator.of(type);
            EmbeddingTable one = EmbeddingTable.random("a", 0, RHS_ROWS, DIM, 0.5, new SplittableRandom(5));
            EmbeddingTable seg = SegmentedTables.resegmented(one, 4);
            int queries = 3;
            float[] q = new float[queries * DIM];
            SplittableRandom random = new SplittableRandom(6);
            for (int k = 0; k < q.length; k++) {
                q[k] = (float) random.nextGaussian();
            }
            float[] expected = new float[queries * RHS_ROWS];
            float[] actual = new float[queries * RHS_ROWS];
            try (BatchScorer whole = new BatchScorer(cmp, queries, RHS_ROWS, DIM);
                 BatchScorer blocks = new BatchScorer(cmp, queries, RHS_ROWS, DIM, 3)) {
                whole.score(q, queries, one, expected);
                // blocks of 3 rows inside segments of 4: 2 products per segment; twice, so a cached block is not reused wrongly
                blocks.score(q, queries, seg, actual);
                blocks.score(q, queries, seg, actual);
            }
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5f * Math.max(1f, Math.abs(expected[i])), type + " score " + i);
            }
        }
    }

    private static RelationParameters relations(ModelConfig model) {
        RelationParameters rel = RelationParameters.create(model, List.of("r0", "r1", "r2"), new int[] {DIM, DIM, DIM});
        SplittableRandom random = new SplittableRandom(11);
        for (int r = 0; r < RELATIONS; r++) {
            for (int s = 0; s < rel.slots(); s++) {
                float[] p = rel.params(r, s);
                for (int k = 0; k < p.length; k++) {
                    p[k] += (float) (random.nextGaussian() * 0.2);
                }
            }
        }
        return rel;
    }
}
