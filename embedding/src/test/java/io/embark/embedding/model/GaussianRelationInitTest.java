package io.embark.embedding.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RelationConfig;
import io.embark.embedding.config.RelationInit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code model.relation.init = gaussian}: every operator parameter starts at N(0, 1) * model.initScale (Lacroix et
 * al.'s start for ComplEx-N3), seeded by relation and slot so that every worker of a model starts from the same
 * operators.
 */
class GaussianRelationInitTest {

    private static ModelConfig model(double scale) {
        ModelConfig simple = ModelConfig.simple(400, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        return new ModelConfig(simple.dimension(), Map.of(), simple.comparator(),
                new RelationConfig(OperatorType.COMPLEX_DIAGONAL, 1.0, RelationInit.GAUSSIAN), Map.of(), true, scale,
                Optional.empty(), simple.regularizer(), 0);
    }

    @Test
    void parametersAreSmallGaussiansAtTheInitScale() {
        RelationParameters rel = RelationParameters.create(model(0.001), List.of("a", "b"), new int[] {400, 400});
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int r = 0; r < 2; r++) {
            for (int s = 0; s < 2; s++) {
                for (float x : rel.params(r, s)) {
                    sum += x;
                    squares += (double) x * x;
                    n++;
                }
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(squares / n - mean * mean);
        assertEquals(0.001, std, 0.0001, "standard deviation of the parameters");
        assertTrue(Math.abs(mean) < 0.0002, "mean of the parameters " + mean);
    }

    @Test
    void startsAreSeededByRelationAndSlot() {
        RelationParameters one = RelationParameters.create(model(0.001), List.of("a", "b"), new int[] {400, 400});
        RelationParameters two = RelationParameters.create(model(0.001), List.of("a", "b"), new int[] {400, 400});
        assertArrayEquals(one.params(1, 0), two.params(1, 0), "the same model starts from the same operators");
        assertFalse(Arrays.equals(one.params(0, 0), one.params(0, 1)), "a relation's two directions differ");
        assertFalse(Arrays.equals(one.params(0, 0), one.params(1, 0)), "two relations differ");
    }
}
