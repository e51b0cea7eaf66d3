package io.embark.embedding.model;

import io.embark.embedding.config.OperatorType;

/** {@code q = a * x} element-wise (DistMult); self-adjoint. Parameters: a (dim), initially 1. */
final class DiagonalOperator implements Operator {

    @Override
    public OperatorType type() {
        return OperatorType.DIAGONAL;
    }

    @Override
    public int parameterCount(int dim) {
        return dim;
    }

    @Override
    public void initialize(float[] p, int pOff, int dim) {
        java.util.Arrays.fill(p, pOff, pOff + dim, 1f);
    }

    /** Random signs: a reflection of a random subset of the coordinates. */
    @Override
    public void initializeRandom(float[] p, int pOff, int dim, java.util.SplittableRandom random, double scale) {
        for (int k = 0; k < dim; k++) {
            p[pOff + k] = random.nextBoolean() ? 1f : -1f;
        }
    }

    @Override
    public void apply(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int dim, boolean adjoint) {
        for (int k = 0; k < dim; k++) {
            out[outOff + k] = p[pOff + k] * x[xOff + k];
        }
    }

    @Override
    public void backward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff, float[] gp, int gpOff,
                         int dim, boolean adjoint) {
        for (int k = 0; k < dim; k++) {
            float g = gOut[gOff + k];
            gx[gxOff + k] += p[pOff + k] * g;
            gp[gpOff + k] += x[xOff + k] * g;
        }
    }
}
