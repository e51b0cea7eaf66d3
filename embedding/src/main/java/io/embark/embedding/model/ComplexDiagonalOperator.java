package io.embark.embedding.model;

import io.embark.embedding.config.OperatorType;
import io.embark.embedding.math.FloatMath;

/**
 * Complex element-wise product (ComplEx): the dim-vector x is read as dim/2 complex numbers, real parts first then
 * imaginary parts, and {@code q = r * x} (adjoint {@code conj(r) * x}). Parameters: r, dim/2 real parts then dim/2
 * imaginary parts, initially 1 + 0i. With the dot comparator, {@code <r * l, t> = Re(sum conj(t) r l)}, ComplEx's score.
 *
 * <p>Forward, per k: {@code q_re = a x_re - b x_im}, {@code q_im = a x_im + b x_re} (a = Re r, b = Im r); gradients
 * {@code dx_re = a g_re + b g_im}, {@code dx_im = a g_im - b g_re}, {@code da = x_re g_re + x_im g_im},
 * {@code db = x_re g_im - x_im g_re}. The adjoint flips the sign of b everywhere.
 */
final class ComplexDiagonalOperator implements Operator {

    @Override
    public OperatorType type() {
        return OperatorType.COMPLEX_DIAGONAL;
    }

    @Override
    public boolean complex() {
        return true;
    }

    @Override
    public int parameterCount(int dim) {
        return dim;
    }

    @Override
    public void initialize(float[] p, int pOff, int dim) {
        int h = dim / 2;
        java.util.Arrays.fill(p, pOff, pOff + h, 1f);
        java.util.Arrays.fill(p, pOff + h, pOff + dim, 0f);
    }

    /** Unit-modulus numbers of uniform random phase: a rotation of each complex coordinate. */
    @Override
    public void initializeRandom(float[] p, int pOff, int dim, java.util.SplittableRandom random, double scale) {
        int h = dim / 2;
        for (int k = 0; k < h; k++) {
            double phase = random.nextDouble(-Math.PI, Math.PI);
            p[pOff + k] = (float) Math.cos(phase);
            p[pOff + h + k] = (float) Math.sin(phase);
        }
    }

    @Override
    public void apply(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int dim, boolean adjoint) {
        FloatMath.complexProduct(p, pOff, x, xOff, out, outOff, dim / 2, adjoint ? -1f : 1f);
    }

    @Override
    public void backward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff, float[] gp, int gpOff,
                         int dim, boolean adjoint) {
        FloatMath.complexProductBackward(p, pOff, x, xOff, gOut, gOff, gx, gxOff, gp, gpOff, dim / 2, adjoint ? -1f : 1f);
    }
}
