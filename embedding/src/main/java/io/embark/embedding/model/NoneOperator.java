package io.embark.embedding.model;

import io.embark.embedding.config.OperatorType;

/** The identity: {@code q = x}, no parameters. */
final class NoneOperator implements Operator {

    @Override
    public OperatorType type() {
        return OperatorType.NONE;
    }

    @Override
    public int parameterCount(int dim) {
        return 0;
    }

    @Override
    public void initialize(float[] p, int pOff, int dim) {
    }

    @Override
    public void initializeRandom(float[] p, int pOff, int dim, java.util.SplittableRandom random, double scale) {
    }

    @Override
    public void apply(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int dim, boolean adjoint) {
        System.arraycopy(x, xOff, out, outOff, dim);
    }

    @Override
    public void backward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff, float[] gp, int gpOff,
                         int dim, boolean adjoint) {
        for (int k = 0; k < dim; k++) {
            gx[gxOff + k] += gOut[gOff + k];
        }
    }
}
