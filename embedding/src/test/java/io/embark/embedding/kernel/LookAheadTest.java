package io.embark.embedding.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ChunkStep#lookAhead}: the BLAS step touches the next chunk's rows while it computes the current one, and
 * that must change nothing it computes. Each case computes the same chunks twice, once without a hint and once told the
 * next chunk (of another size, other negative counts, another table, or none), and asserts the same loss and the same
 * gradients, bit for bit, on the three pass shapes (two directions one by one, the paired pass, shared negatives),
 * with negative counts below and above the step's touch limit.
 */
class LookAheadTest {

    private static final int DIM = 16;
    private static final int ROWS = 3_000;
    private static final int N = 20;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, false, 30),
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, false, 400),
                Arguments.of(OperatorType.NONE, false, 30),
                Arguments.of(OperatorType.NONE, false, 400),
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, true, 30),
                Arguments.of(OperatorType.COMPLEX_DIAGONAL, true, 400));
    }

    @ParameterizedTest(name = "{0} shared={1} uniform={2}")
    @MethodSource("shapes")
    void theHintChangesNothingComputed(OperatorType op, boolean shared, int uniform) {
        ModelConfig model = ModelConfig.simple(DIM, op, ComparatorType.DOT, true);
        RelationParameters rel = RelationParameters.create(model, List.of("a", "b"), new int[] {DIM, DIM});
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(N, true, uniform, true, true, false, shared))
                .withLoss(LossType.SOFTMAX, 0.1);
        StepSettings settings = StepSettings.of(model, training);
        EmbeddingTable table = EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, new SplittableRandom(1));
        EmbeddingTable other = EmbeddingTable.random("e", 1, ROWS, DIM, 0.5, new SplittableRandom(2));
        SplittableRandom random = new SplittableRandom(uniform * 7L + (shared ? 1 : 0));
        Chunk[] chunks = {
            chunk(table, table, N, uniform, shared, random),
            chunk(table, table, N / 2, uniform / 3, shared, random),
            shared ? chunk(table, table, N, uniform, true, random) : chunk(table, other, N - 1, uniform, false, random),
            chunk(table, table, N, uniform, shared, random)};
        try (StepDriver plain = StepDriver.blas(rel, settings, N, uniform, DIM);
             StepDriver hinted = StepDriver.blas(rel, settings, N, uniform, DIM)) {
            for (int c = 0; c < chunks.length; c++) {
                double expected = plain.computeGradients(chunks[c]);
                hinted.step.lookAhead(c + 1 < chunks.length ? chunks[c + 1] : null);
                double actual = hinted.computeGradients(chunks[c]);
                assertEquals(expected, actual, 0.0, "loss of chunk " + c);
                assertArrayEquals(plain.gradLhs, hinted.gradLhs, "lhs gradients of chunk " + c);
                assertArrayEquals(plain.gradRhs, hinted.gradRhs, "rhs gradients of chunk " + c);
                assertArrayEquals(plain.gradLhsNeg, hinted.gradLhsNeg, "lhs negatives' gradients of chunk " + c);
                assertArrayEquals(plain.gradRhsNeg, hinted.gradRhsNeg, "rhs negatives' gradients of chunk " + c);
                for (int r = 0; r < rel.count(); r++) {
                    for (int s = 0; s < rel.slots(); s++) {
                        float[] a = plain.relationGradient(r, s);
                        float[] b = hinted.relationGradient(r, s);
                        assertEquals(a == null, b == null, "relation " + r + " slot " + s + " touched, chunk " + c);
                        if (a != null) {
                            assertArrayEquals(Arrays.copyOf(a, DIM), Arrays.copyOf(b, DIM), "relation " + r + " slot " + s + ", chunk " + c);
                        }
                    }
                }
            }
        }
    }

    private static Chunk chunk(EmbeddingTable lhs, EmbeddingTable rhs, int n, int u, boolean shared, SplittableRandom random) {
        Chunk c = new Chunk(N, u);
        c.lhsTable = lhs;
        c.rhsTable = rhs;
        for (int i = 0; i < n; i++) {
            c.add(random.nextInt(2), random.nextInt(ROWS), random.nextInt(ROWS), 1f);
        }
        int[] l = random.ints(u, 0, ROWS).toArray();
        if (shared) {
            c.sharedNegatives(l, u);
        } else {
            c.negatives(l, u, random.ints(u, 0, ROWS).toArray(), u);
        }
        return c;
    }
}
