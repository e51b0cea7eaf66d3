package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the analytic gradients of {@link BlasChunkStep} against central finite differences of its own loss, for
 * every operator x comparator x loss, with reciprocal and adjoint (shared) relations, batch and uniform negatives and
 * N3 regularization, on a tiny chunk (4 edges, 3 uniform negatives, dimension 6).
 *
 * <p>The loss is computed in float32, so differences use a step of 2e-3 and a tolerance of 2e-2 absolute plus 2e-2
 * relative; a coordinate where the step and half the step disagree sits on a kink of the ranking loss or the l2
 * clamp, where no derivative exists, and is skipped (at most 10% may be).
 */
class GradientCheckTest {

    static final int DIM = 6;
    static final int ROWS = 7;

    static Stream<Arguments> models() {
        List<Arguments> all = new ArrayList<>();
        for (OperatorType op : OperatorType.values()) {
            for (ComparatorType cmp : ComparatorType.values()) {
                for (LossType loss : LossType.values()) {
                    all.add(Arguments.of(op, cmp, loss, (op.ordinal() + cmp.ordinal() + loss.ordinal()) % 2 == 0));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} reciprocal={3}")
    @MethodSource("models")
    void analyticGradientsMatchFiniteDifferences(OperatorType op, ComparatorType cmp, LossType loss, boolean reciprocal) {
        check(op, cmp, loss, reciprocal, false, 0, RegularizerType.N3);
    }

    /**
     * The DURA regularizer instead of N3 ({@code model.regularizer = dura}): every operator, the dot comparator it is
     * defined for, each loss; one table with shared negatives (both directions in one stacked pass) and two tables
     * (one pass per direction; operator none takes the paired pass). Its query term goes back through the operator.
     */
    static Stream<Arguments> duraModels() {
        List<Arguments> all = new ArrayList<>();
        for (OperatorType op : OperatorType.values()) {
            for (LossType loss : LossType.values()) {
                for (boolean shared : new boolean[] {false, true}) {
                    all.add(Arguments.of(op, loss, (op.ordinal() + loss.ordinal()) % 2 == 0, shared));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "dura: {0} dot {1} reciprocal={2} shared={3}")
    @MethodSource("duraModels")
    void duraGradientsMatchFiniteDifferences(OperatorType op, LossType loss, boolean reciprocal, boolean shared) {
        check(op, ComparatorType.DOT, loss, reciprocal, shared, 0, RegularizerType.DURA);
    }

    /**
     * Which configs take the paired pass ({@link BlasChunkStep#pairedPass}: the batch block scored once for both
     * directions), whose gradients the none x dot rows of {@link #models} check: operator none with the dot comparator
     * and batch negatives on both sides; not a transforming operator, another comparator, sampled negatives alone, or
     * one side. (Without this, a change that made no config pairable would leave every gradient check green.)
     */
    @Test
    void pairedPassIsTakenWhereTheBatchBlockIsSymmetric() {
        assertTrue(pairable(OperatorType.NONE, ComparatorType.DOT, true, true));
        assertFalse(pairable(OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true, true));
        assertFalse(pairable(OperatorType.TRANSLATION, ComparatorType.DOT, true, true));
        assertFalse(pairable(OperatorType.NONE, ComparatorType.COS, true, true));
        assertFalse(pairable(OperatorType.NONE, ComparatorType.DOT, false, true));
        assertFalse(pairable(OperatorType.NONE, ComparatorType.DOT, true, false));
    }

    private static boolean pairable(OperatorType op, ComparatorType cmp, boolean batch, boolean bothSides) {
        ModelConfig model = ModelConfig.simple(DIM, op, cmp, false);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(4, batch, 3, bothSides, true, false, false));
        RelationParameters rel = RelationParameters.create(model, List.of("r0", "r1"), new int[] {DIM, DIM});
        return BlasChunkStep.pairable(rel, StepSettings.of(model, training));
    }

    /**
     * The relation-prediction term ({@code training.relationPrediction}) on top of the link-prediction loss: every
     * operator it accepts (linear in its parameters), the dot comparator, each loss, both relation modes. Three
     * relations, of which the chunk uses two: the third gets a gradient only from this term.
     */
    static Stream<Arguments> relationPredictionModels() {
        List<Arguments> all = new ArrayList<>();
        for (OperatorType op : List.of(OperatorType.DIAGONAL, OperatorType.COMPLEX_DIAGONAL, OperatorType.LINEAR)) {
            for (LossType loss : LossType.values()) {
                all.add(Arguments.of(op, loss, (op.ordinal() + loss.ordinal()) % 2 == 0));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "relation prediction: {0} dot {1} reciprocal={2}")
    @MethodSource("relationPredictionModels")
    void relationPredictionGradientsMatchFiniteDifferences(OperatorType op, LossType loss, boolean reciprocal) {
        check(op, ComparatorType.DOT, loss, reciprocal, false, 0.7, RegularizerType.N3);
    }

    /**
     * Both sides in one table sharing one set of uniform negatives ({@code training.negatives.shared}): both directions
     * are scored in one stacked pass, and a negative row's gradient is the sum of the two directions'. Every operator
     * and comparator (each loss appears), since the stacked pass runs the normalising and norm-using comparators'
     * extra loops over twice the rows.
     */
    static Stream<Arguments> sharedModels() {
        List<Arguments> all = new ArrayList<>();
        for (OperatorType op : OperatorType.values()) {
            for (ComparatorType cmp : ComparatorType.values()) {
                LossType loss = LossType.values()[(op.ordinal() + cmp.ordinal()) % LossType.values().length];
                all.add(Arguments.of(op, cmp, loss, (op.ordinal() + cmp.ordinal()) % 2 == 1));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "shared negatives: {0} {1} {2} reciprocal={3}")
    @MethodSource("sharedModels")
    void sharedNegativesGradientsMatchFiniteDifferences(OperatorType op, ComparatorType cmp, LossType loss, boolean reciprocal) {
        check(op, cmp, loss, reciprocal, true, 0, RegularizerType.N3);
    }

    private static void check(OperatorType op, ComparatorType cmp, LossType loss, boolean reciprocal, boolean shared,
                              double relationPrediction, RegularizerType regularizer) {
        Random random = new Random(op.ordinal() * 100 + cmp.ordinal() * 10 + loss.ordinal());
        // DURA's terms are squares of values around 1: a larger weight than N3's keeps them a visible part of the loss
        ModelConfig model = ModelConfig.simple(DIM, op, cmp, reciprocal)
                .withRegularizer(regularizer, regularizer == RegularizerType.DURA ? 0.3 : 0.05);
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(4, true, 3, true, true, false, shared))
                .withLoss(loss, 0.5).withRelationPrediction(relationPrediction);
        List<String> names = relationPrediction > 0 ? List.of("r0", "r1", "r2") : List.of("r0", "r1");
        int[] dims = new int[names.size()];
        java.util.Arrays.fill(dims, DIM);
        RelationParameters rel = RelationParameters.create(model, names, dims);
        for (int r = 0; r < rel.count(); r++) {
            for (int slot = 0; slot < rel.slots(); slot++) {
                float[] p = rel.params(r, slot);
                for (int k = 0; k < p.length; k++) {
                    p[k] += (float) (random.nextGaussian() * 0.3);
                }
            }
        }
        EmbeddingTable lhs = EmbeddingTable.random("e", 0, ROWS, DIM, 0.6, random);
        EmbeddingTable rhs = shared ? lhs : EmbeddingTable.random("e", 1, ROWS, DIM, 0.6, random);
        Chunk chunk = new Chunk(4, 3);
        chunk.lhsTable = lhs;
        chunk.rhsTable = rhs;
        // edge 3 repeats edge 0's rhs entity: a batch negative equal to the positive, which must be skipped
        chunk.add(0, 0, 1, 1f);
        chunk.add(1, 2, 3, 0.5f);
        chunk.add(1, 4, 5, 2f);
        chunk.add(0, 0, 1, 1f);
        if (shared) {
            chunk.sharedNegatives(new int[] {6, 5, 2}, 3);
        } else {
            chunk.negatives(new int[] {6, 5, 2}, 3, new int[] {0, 6, 4}, 3);
        }

        try (StepDriver step = StepDriver.blas(rel, StepSettings.of(model, training), 4, 3, DIM)) {
            step.computeGradients(chunk);
            float[] gl = new float[ROWS * DIM];
            float[] gr = new float[ROWS * DIM];
            List<float[]> relGrads = new ArrayList<>();
            List<float[]> relParams = new ArrayList<>();
            for (int r = 0; r < rel.count(); r++) {
                for (int slot = 0; slot < rel.slots(); slot++) {
                    float[] gp = step.relationGradient(r, slot);
                    relGrads.add(gp == null ? new float[rel.params(r, slot).length] : gp.clone());
                    relParams.add(rel.params(r, slot));
                }
            }
            Checker checker = new Checker(step, chunk, op + " " + cmp + " " + loss + " " + regularizer
                    + (relationPrediction > 0 ? " relation prediction" : ""));
            if (shared) {
                addDense(step, chunk, DIM, gl, gl);
                checker.check("table", lhs.segmentData(0), gl);
            } else {
                addDense(step, chunk, DIM, gl, gr);
                checker.check("lhs", lhs.segmentData(0), gl);
                checker.check("rhs", rhs.segmentData(0), gr);
            }
            for (int k = 0; k < relParams.size(); k++) {
                checker.check("relation slot " + k, relParams.get(k), relGrads.get(k));
            }
            assertTrue(checker.skipped <= 0.1 * checker.checked + 1,
                    checker.name + ": " + checker.skipped + " of " + checker.checked + " coordinates sit on kinks");
        }
    }

    /**
     * Adds the row gradients that {@code step.computeGradients(chunk)} left in the step into dense per-table arrays
     * ({@code lhs} and {@code rhs} may be the same array when both sides use one table).
     */
    static void addDense(StepDriver step, Chunk chunk, int dim, float[] lhs, float[] rhs) {
        for (int i = 0; i < chunk.size; i++) {
            addRow(lhs, chunk.lhs[i], step.gradLhs, i, dim);
            addRow(rhs, chunk.rhs[i], step.gradRhs, i, dim);
        }
        for (int j = 0; j < chunk.lhsNegativeCount; j++) {
            addRow(lhs, chunk.lhsNegatives[j], step.gradLhsNeg, j, dim);
        }
        if (!chunk.sharedNegatives) {
            // with shared negatives gradLhsNeg holds both sides' gradient of the one set
            for (int j = 0; j < chunk.rhsNegativeCount; j++) {
                addRow(rhs, chunk.rhsNegatives[j], step.gradRhsNeg, j, dim);
            }
        }
    }

    private static void addRow(float[] full, int row, float[] chunkGrad, int i, int dim) {
        for (int k = 0; k < dim; k++) {
            full[row * dim + k] += chunkGrad[i * dim + k];
        }
    }

    private static final class Checker {
        final StepDriver step;
        final Chunk chunk;
        final String name;
        int checked;
        int skipped;

        Checker(StepDriver step, Chunk chunk, String name) {
            this.step = step;
            this.chunk = chunk;
            this.name = name;
        }

        void check(String what, float[] values, float[] analytic) {
            for (int k = 0; k < values.length; k++) {
                double fd = difference(values, k, 2e-3f);
                double fdHalf = difference(values, k, 1e-3f);
                checked++;
                if (Math.abs(fd - fdHalf) > 1e-2 + 1e-2 * Math.abs(fd)) {
                    skipped++;
                    continue;
                }
                double an = analytic[k];
                assertTrue(Math.abs(fd - an) <= 2e-2 + 2e-2 * Math.abs(an),
                        name + ": d loss / d " + what + "[" + k + "]: analytic " + an + ", finite difference " + fd);
            }
        }

        private double difference(float[] values, int k, float eps) {
            float saved = values[k];
            values[k] = saved + eps;
            double up = step.computeGradients(chunk);
            values[k] = saved - eps;
            double down = step.computeGradients(chunk);
            values[k] = saved;
            return (up - down) / (2 * eps);
        }
    }
}
