package io.embark.embedding.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embark.partitioning.BucketOrder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Invalid values are refused at construction with the config key and the expected range. */
class ConfigValidationTest {

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void messagesNameTheKey() {
        assertEquals("model.dimension: 0 (expected > 0)",
                message(() -> ModelConfig.simple(0, OperatorType.NONE, ComparatorType.DOT, false)));
        assertEquals("model.relation.operator: complex_diagonal needs an even model.dimension, got 5",
                message(() -> ModelConfig.simple(5, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, false)));
        assertEquals("training.negatives.chunkSize: 0 (expected > 0)", message(() -> NegativesConfig.pbg(0, 10)));
        assertEquals("training.epochs: 0 (expected > 0)", message(() -> TrainingConfig.defaults(0, NegativesConfig.pbg(50, 10))));
        assertEquals("training.threads: 0 (expected > 0)", message(() -> TrainingConfig.defaults(1, NegativesConfig.pbg(50, 10)).withThreads(0)));
        assertEquals("training.negatives.uniform: 5 with training.negatives.all = true (all-negatives mode ranks against the whole partition; set uniform = 0)",
                message(() -> new NegativesConfig(50, true, 5, true, true, true)));
        assertEquals("training.negatives.shared = true with training.negatives.rhs = false (one shared draw serves the negatives "
                + "of both sides; set shared = false)", message(() -> new NegativesConfig(50, true, 5, true, false, false, true)));
        assertEquals("model.regularization: 0.1 with model.regularizer = none (set model.regularizer = n3 or dura, or the coefficient to 0)",
                message(() -> new ModelConfig(4, Map.of(), ComparatorType.DOT, RelationConfig.of(OperatorType.NONE), Map.of(), false, 1e-3,
                        Optional.empty(), RegularizerType.NONE, 0.1)));
        assertEquals("model.regularizer: dura is defined for model.comparator = dot (its terms are the norms of the two vectors a "
                + "dot product scores), got cos", message(() -> ModelConfig.simple(4, OperatorType.NONE, ComparatorType.COS, false)
                .withRegularizer(RegularizerType.DURA, 0.1)));
        assertEquals("training.freeze = existing: only means something with training.init (the checkpoint whose rows stay fixed)",
                message(() -> new InitConfig(null, Freeze.EXISTING, 1.0)));
        assertEquals("training.replay: 1.5 (expected a fraction in [0, 1])", message(() -> new InitConfig("x", Freeze.NONE, 1.5)));
        assertEquals("training.newRowNegatives = 0.5: only means something with training.init (the checkpoint whose rows are the old ones)",
                message(() -> new InitConfig(null, Freeze.NONE, 1.0, 0.5)));
        assertEquals("training.newRowNegatives: -0.1 (expected a fraction in [0, 1])", message(() -> new InitConfig("x", Freeze.NONE, 1.0, -0.1)));
        assertEquals("training.newRowNegatives = 0.5 with training.negatives.uniform = 0 (it is a share of the uniform negatives; "
                + "expected uniform > 0)", message(() -> new TrainingConfig(1, LossType.SOFTMAX, 0, new NegativesConfig(50, true, 0, true, true, false),
                0.1, 0.1, 1, BucketOrder.INSIDE_OUT, 0, 2, 0, AdagradMode.ROWWISE, ResumeFrom.LATEST, io.embark.embedding.kernel.StepKernel.BLAS,
                new InitConfig("x", Freeze.NONE, 1.0, 0.5), 0, TableResidency.AUTO)));
    }

    @Test
    void choicesParseTheirConfigSpellingAndListTheValidOnes() {
        assertEquals(OperatorType.COMPLEX_DIAGONAL, OperatorType.parse("model.relation.operator", "complex_diagonal"));
        assertEquals(BucketOrder.INSIDE_OUT, ConfigChoice.parse(BucketOrder.class, "training.bucketOrder", "inside-out"));
        assertEquals("model.comparator: 'cosine' (expected one of dot, cos, l2, squared_l2)",
                message(() -> ComparatorType.parse("model.comparator", "cosine")));
    }
}
