package io.embark.embedding.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.storage.EmbeddingTable;
import org.junit.jupiter.api.Test;

/** Row-wise Adagrad refuses an update that would make a row's accumulator infinite or NaN, and changes nothing. */
class AdagradTest {

    @Test
    void aGradientThatOverflowsTheAccumulatorIsRefusedAndLeavesTheRowAlone() {
        EmbeddingTable t = EmbeddingTable.zeros("e", 0, 2, 2, false);
        float[] g = {1f, 1f, 3e19f, 3e19f};
        // row 0: a = (1 + 1) / 2 = 1, step = lr / (sqrt(1) + 1e-10) = 0.5: the row becomes (-0.5, -0.5)
        Adagrad.rowUpdate(t, 0, g, 0, 0.5f, 0f);
        assertArrayEquals(new float[] {-0.5f, -0.5f}, row(t, 0), 1e-6f);
        // row 1: (3e19)^2 = 9e38 > Float.MAX_VALUE (3.4e38): the sum of squares is infinite
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> Adagrad.rowUpdate(t, 1, g, 2, 0.5f, 0f));
        assertTrue(e.getMessage().startsWith("row 1 of table e partition 0: gradient sum of squares Infinity"), e.getMessage());
        assertArrayEquals(new float[] {0f, 0f}, row(t, 1));
        assertEquals(0f, t.state(1)[t.stateOffset(1)], "the accumulator stays finite, so the row can still train");
        float[] nan = {Float.NaN, 0f};
        assertThrows(NonFiniteGradientException.class, () -> Adagrad.rowUpdate(t, 0, nan, 0, 0.5f, 0f));
        assertArrayEquals(new float[] {-0.5f, -0.5f}, row(t, 0), 1e-6f);
    }

    @Test
    void rowsBelowTheFrozenCountKeepTheirValuesAndAccumulators() {
        for (boolean elementwise : new boolean[] {false, true}) {
            EmbeddingTable t = EmbeddingTable.zeros("e", 0, 3, 2, elementwise);
            t.freezeRowsBelow(2);
            float[] g = {1f, 1f};
            for (int r = 0; r < 3; r++) {
                Adagrad.rowUpdate(t, r, g, 0, 0.5f, 0f);
            }
            assertArrayEquals(new float[] {0f, 0f}, row(t, 0), "frozen row 0 untouched");
            assertArrayEquals(new float[] {0f, 0f}, row(t, 1), "frozen row 1 untouched");
            assertEquals(0f, t.state(1)[t.stateOffset(1)], "and its accumulator");
            assertTrue(row(t, 2)[0] < 0, "row 2 (not frozen) trains");
            assertThrows(IllegalArgumentException.class, () -> t.freezeRowsBelow(4));
        }
    }

    private static float[] row(EmbeddingTable t, int r) {
        float[] out = new float[t.dim()];
        System.arraycopy(t.data(r), t.dataOffset(r), out, 0, t.dim());
        return out;
    }
}
