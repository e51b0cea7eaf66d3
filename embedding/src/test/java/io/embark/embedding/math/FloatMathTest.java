package io.embark.embedding.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API loops agree with the scalar reference, for every length around the vector width (tails included),
 * at offsets, with invalid columns in the softmax; and the tests' JVM (surefire runs with
 * {@code --add-modules=jdk.incubator.vector}, as Spark's launcher does) really takes the vector path.
 */
class FloatMathTest {

    @Test
    void theTestJvmUsesTheVectorPath() {
        assertTrue(FloatMath.SIMD, "jdk.incubator.vector is in the test JVM's arguments (surefire.argLine), so the vector path must be on");
    }

    @Test
    void softmaxRowsAgree() {
        SplittableRandom r = new SplittableRandom(5);
        for (int m = 1; m <= 70; m++) {
            int off = 3;
            float[] s = new float[off + m];
            boolean[] valid = new boolean[m];
            for (int j = 0; j < m; j++) {
                s[off + j] = (float) (r.nextGaussian() * 4);
                valid[j] = r.nextInt(5) != 0;
            }
            int pos = r.nextInt(m);
            valid[pos] = false;
            float[] g1 = new float[m + 2];
            float[] g2 = new float[m + 2];
            double l1 = FloatMath.scalarSoftmaxRow(s, off, m, pos, valid, 0.7f, g1, 2);
            double l2 = VectorMath.softmaxRow(s, off, m, pos, valid, 0.7f, g2, 2);
            assertEquals(l1, l2, 1e-5 * Math.max(1, Math.abs(l1)), "loss, m=" + m);
            double sum = 0;
            for (int j = 0; j < m; j++) {
                assertEquals(g1[2 + j], g2[2 + j], 1e-6, "gradient column " + j + ", m=" + m);
                if (!valid[j] && j != pos) {
                    assertEquals(0f, g2[2 + j], "an invalid column gets no gradient");
                }
                sum += g2[2 + j];
            }
            assertEquals(0, sum, 1e-5, "softmax gradients sum to 0 (times w), m=" + m);
        }
    }

    @Test
    void sumsOfSquaresAndAxpyAgree() {
        SplittableRandom r = new SplittableRandom(9);
        for (int len = 0; len <= 70; len++) {
            float[] x = new float[len + 5];
            float[] y1 = new float[len + 7];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) r.nextGaussian();
            }
            for (int k = 0; k < y1.length; k++) {
                y1[k] = (float) r.nextGaussian();
            }
            float[] y2 = y1.clone();
            float ss1 = FloatMath.scalarSumOfSquares(x, 5, len);
            float ss2 = VectorMath.sumOfSquares(x, 5, len);
            assertEquals(ss1, ss2, 1e-5f * Math.max(1f, ss1), "sum of squares, len=" + len);
            FloatMath.scalarAxpy(-0.3f, x, 5, y1, 7, len);
            VectorMath.axpy(-0.3f, x, 5, y2, 7, len);
            for (int k = 0; k < y1.length; k++) {
                assertEquals(y1[k], y2[k], 1e-6f, "axpy entry " + k + ", len=" + len);
            }
        }
    }
}
