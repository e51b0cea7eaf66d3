package io.embark.embedding.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void elementwiseAdagradAgreesAndMatchesTheFormula() {
        SplittableRandom r = new SplittableRandom(17);
        for (int len = 0; len <= 40; len++) {
            float[] g = new float[len + 2];
            float[] x1 = new float[len + 4];
            float[] a1 = new float[len + 4];
            for (int k = 0; k < g.length; k++) {
                g[k] = k % 5 == 0 ? 0f : (float) r.nextGaussian();
            }
            for (int k = 0; k < x1.length; k++) {
                x1[k] = (float) r.nextGaussian();
                a1[k] = (float) Math.abs(r.nextGaussian());
            }
            float[] x2 = x1.clone();
            float[] a2 = a1.clone();
            float[] x0 = x1.clone();
            float[] a0 = a1.clone();
            FloatMath.scalarAdagrad(x1, a1, 3, g, 2, len, 0.1f, 1e-10f);
            VectorMath.adagrad(x2, a2, 3, g, 2, len, 0.1f, 1e-10f);
            for (int k = 0; k < len; k++) {
                double a = a0[3 + k] + (double) g[2 + k] * g[2 + k];
                double x = x0[3 + k] - 0.1 * g[2 + k] / Math.sqrt(a);
                assertEquals(a, a1[3 + k], 1e-5, "accumulator " + k);
                assertEquals(x, x1[3 + k], 1e-5, "entry " + k);
                assertEquals(a1[3 + k], a2[3 + k], 1e-6f, "vector accumulator " + k + ", len=" + len);
                assertEquals(x1[3 + k], x2[3 + k], 1e-6f, "vector entry " + k + ", len=" + len);
            }
            assertEquals(x0[0], x1[0]);
            assertEquals(x0[x0.length - 1], x2[x2.length - 1], "nothing outside the row is touched");
        }
    }

    /** The complex product, its gradients and N3's gradient are the same float operations in both versions: equal bit for bit. */
    @Test
    void complexProductAndN3AgreeBitForBit() {
        SplittableRandom r = new SplittableRandom(23);
        for (int h = 0; h <= 45; h++) {
            float[] p = gaussian(r, 2 * h + 3);
            float[] x = gaussian(r, 2 * h + 5);
            float[] gOut = gaussian(r, 2 * h + 1);
            for (float sign : new float[] {1f, -1f}) {
                float[] out1 = new float[2 * h + 2];
                float[] out2 = new float[2 * h + 2];
                FloatMath.scalarComplexProduct(p, 3, x, 5, out1, 2, h, sign, 0);
                VectorMath.complexProduct(p, 3, x, 5, out2, 2, h, sign);
                assertArrayEquals(out1, out2, "complex product, h=" + h + " sign=" + sign);
                for (int k = 0; k < h; k++) {
                    float a = p[3 + k];
                    float b = sign * p[3 + h + k];
                    assertEquals(a * x[5 + k] - b * x[5 + h + k], out1[2 + k], 1e-6f, "real part " + k);
                    assertEquals(a * x[5 + h + k] + b * x[5 + k], out1[2 + h + k], 1e-6f, "imaginary part " + k);
                }
                float[] gx1 = gaussian(r, 2 * h + 4);
                float[] gp1 = gaussian(r, 2 * h + 1);
                float[] gx2 = gx1.clone();
                float[] gp2 = gp1.clone();
                FloatMath.scalarComplexProductBackward(p, 3, x, 5, gOut, 1, gx1, 4, gp1, 1, h, sign, 0);
                VectorMath.complexProductBackward(p, 3, x, 5, gOut, 1, gx2, 4, gp2, 1, h, sign);
                assertArrayEquals(gx1, gx2, "complex product's input gradient, h=" + h);
                assertArrayEquals(gp1, gp2, "complex product's parameter gradient, h=" + h);
            }
            for (boolean complex : new boolean[] {true, false}) {
                float[] g1 = gaussian(r, 2 * h + 2);
                float[] g2 = g1.clone();
                double s1 = FloatMath.scalarN3(x, 5, 2 * h, complex, 0.01f, g1, 2);
                double s2 = VectorMath.n3(x, 5, 2 * h, complex, 0.01f, g2, 2);
                assertArrayEquals(g1, g2, "N3 gradient, complex=" + complex + " h=" + h);
                assertEquals(s1, s2, 1e-5 * Math.max(1, s1), "N3 value, complex=" + complex + " h=" + h);
                double expected = 0;
                for (int k = 0; k < (complex ? h : 2 * h); k++) {
                    double re = x[5 + k];
                    double im = complex ? x[5 + h + k] : 0;
                    expected += Math.pow(Math.hypot(re, im), 3);
                }
                assertEquals(0.01 * expected, s1, 1e-5 * Math.max(1, expected), "N3 value against the formula");
            }
        }
    }

    private static float[] gaussian(SplittableRandom r, int len) {
        float[] v = new float[len];
        for (int k = 0; k < len; k++) {
            v[k] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void expIsAccurateOverTheSoftmaxRange() {
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[lanes];
        float[] y = new float[lanes];
        double worst = 0;
        for (int i = 0; i <= 870_000; i += lanes) {
            for (int k = 0; k < lanes; k++) {
                x[k] = -(i + k) * 1e-4f;
            }
            VectorMath.exp(jdk.incubator.vector.FloatVector.fromArray(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
            for (int k = 0; k < lanes; k++) {
                // the scalar version (rows' tails) is the lanes' computation, bit for bit
                assertEquals(Float.floatToRawIntBits(y[k]), Float.floatToRawIntBits(VectorMath.exp(x[k])), "exp(" + x[k] + ")");
                double e = Math.exp(x[k]);
                if (x[k] >= -87f) {
                    worst = Math.max(worst, Math.abs(y[k] - e) / e);
                } else {
                    assertEquals((float) Math.exp(-87), y[k], 1e-44f, "below -87: e^-87");
                }
            }
        }
        assertTrue(worst < 3e-7, "relative error of exp on [-87, 0]: " + worst);
        assertEquals(1f, VectorMath.exp(jdk.incubator.vector.FloatVector.zero(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED)).lane(0));
    }

    /**
     * The first calls run interpreted (the Vector API's Java fallbacks), later ones compiled by C2 (intrinsics): the
     * results must not change bit for bit, or a resumed run (a new JVM) would not reproduce an uninterrupted one.
     */
    @Test
    void resultsDoNotDependOnWhetherTheJitCompiledTheLoop() {
        SplittableRandom r = new SplittableRandom(11);
        int m = 1050;
        float[] s = new float[m];
        boolean[] valid = new boolean[m];
        for (int j = 0; j < m; j++) {
            s[j] = (float) (r.nextGaussian() * 6);
            valid[j] = j % 7 != 0;
        }
        float[] first = new float[m];
        float[] g = new float[m];
        double firstLoss = VectorMath.softmaxRow(s, 0, m, 3, valid, 1f, first, 0);
        float firstSum = VectorMath.sumOfSquares(s, 0, m);
        float[] n3Grad = new float[m];
        double firstN3 = VectorMath.n3(s, 0, m, true, 0.01f, n3Grad, 0);
        float[] firstN3Grad = n3Grad.clone();
        for (int call = 0; call < 30_000; call++) {
            double loss = VectorMath.softmaxRow(s, 0, m, 3, valid, 1f, g, 0);
            float sum = VectorMath.sumOfSquares(s, 0, m);
            java.util.Arrays.fill(n3Grad, 0f);
            double n3 = VectorMath.n3(s, 0, m, true, 0.01f, n3Grad, 0);
            if (loss != firstLoss || sum != firstSum || !java.util.Arrays.equals(g, first) || n3 != firstN3
                    || !java.util.Arrays.equals(n3Grad, firstN3Grad)) {
                throw new AssertionError("call " + call + " differs from the first (interpreted) one: loss " + loss + " vs "
                        + firstLoss + ", sum of squares " + sum + " vs " + firstSum + ", N3 " + n3 + " vs " + firstN3);
            }
        }
    }
}
