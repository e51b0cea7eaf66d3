package io.embark.embedding.model;

import io.embark.embedding.config.OperatorType;

/** {@code q = x + b} (TransE); adjoint {@code q = x - b}. Parameters: b (dim), initially 0. */
final class TranslationOperator implements Operator {

    @Override
    public OperatorType type() {
        return OperatorType.TRANSLATION;
    }

    @Override
    public int parameterCount(int dim) {
        return dim;
    }

    @Override
    public void initialize(float[] p, int pOff, int dim) {
        java.util.Arrays.fill(p, pOff, pOff + dim, 0f);
    }

    /** A translation drawn like an embedding, N(0, 1) * scale per coordinate. */
    @Override
    public void initializeRandom(float[] p, int pOff, int dim, java.util.SplittableRandom random, double scale) {
        for (int k = 0; k < dim; k++) {
            p[pOff + k] = (float) (random.nextGaussian() * scale);
        }
    }

    @Override
    public void apply(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int dim, boolean adjoint) {
        float sign = adjoint ? -1f : 1f;
        for (int k = 0; k < dim; k++) {
            out[outOff + k] = x[xOff + k] + sign * p[pOff + k];
        }
    }

    @Override
    public void backward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff, float[] gp, int gpOff,
                         int dim, boolean adjoint) {
        float sign = adjoint ? -1f : 1f;
        for (int k = 0; k < dim; k++) {
            float g = gOut[gOff + k];
            gx[gxOff + k] += g;
            gp[gpOff + k] += sign * g;
        }
    }
}
