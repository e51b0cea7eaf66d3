package io.embark.embedding.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastExpTest {

    @Test
    void relativeErrorAgainstMathExpOverTheWholeRange() {
        SplittableRandom random = new SplittableRandom(5);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            float x = (float) (-87.0 * random.nextDouble());
            double exact = Math.exp(x);
            double rel = Math.abs(FastExp.expNonPositive(x) - exact) / exact;
            worst = Math.max(worst, rel);
        }
        assertTrue(worst < 5e-7, "worst relative error " + worst);
    }

    @Test
    void edges() {
        assertEquals(1f, FastExp.expNonPositive(0f), 0f);
        assertEquals(1f, FastExp.expNonPositive(-0f), 0f);
        assertEquals(0f, FastExp.expNonPositive(-100f), 0f);
        assertEquals(0f, FastExp.expNonPositive(Float.NEGATIVE_INFINITY), 0f);
        assertEquals(Math.exp(-1e-8), FastExp.expNonPositive(-1e-8f), 1e-7);
        assertEquals(Math.exp(-0.3466), FastExp.expNonPositive(-0.3466f), 1e-7);
    }
}
