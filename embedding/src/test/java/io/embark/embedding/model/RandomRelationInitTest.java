package io.embark.embedding.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.config.OperatorType;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code model.relation.init = random}: every operator that can rotate starts as a random norm-preserving member of
 * its family (|op(x)| = |x| for any x) that is not the identity, so that an entity's own row is not its best partner.
 */
class RandomRelationInitTest {

    @ParameterizedTest
    @EnumSource(value = OperatorType.class, names = {"COMPLEX_DIAGONAL", "DIAGONAL", "LINEAR", "AFFINE"})
    void randomOperatorsPreserveNormsAndAreNotTheIdentity(OperatorType type) {
        int dim = 16;
        Operator op = Operator.of(type);
        float[] p = new float[op.parameterCount(dim)];
        op.initializeRandom(p, 0, dim, new SplittableRandom(3), 0.001);
        Random random = new Random(5);
        double selfScore = 0;
        for (int trial = 0; trial < 20; trial++) {
            float[] x = new float[dim];
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                x[k] = (float) random.nextGaussian();
                norm += x[k] * x[k];
            }
            float[] y = new float[dim];
            op.apply(p, 0, x, 0, y, 0, dim, false);
            double normY = 0;
            double dot = 0;
            for (int k = 0; k < dim; k++) {
                normY += y[k] * y[k];
                dot += x[k] * y[k];
            }
            assertEquals(Math.sqrt(norm), Math.sqrt(normY), 1e-4 * Math.sqrt(norm), type + " preserves the norm");
            selfScore += dot / norm;
        }
        // the identity scores x against itself at 1 (cosine); a random rotation at about 0
        assertTrue(Math.abs(selfScore / 20) < 0.5, type + ": mean cosine of op(x) with x " + selfScore / 20);
    }
}
