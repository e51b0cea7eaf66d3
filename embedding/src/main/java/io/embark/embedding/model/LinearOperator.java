package io.embark.embedding.model;

import io.embark.embedding.config.OperatorType;

/**
 * Linear {@code q = A x} and affine {@code q = A x + b}. A is dim x dim, row-major, initially the identity; b (affine
 * only) follows A and starts at 0. Adjoints: {@code A^T x} and {@code A^T (x - b)}.
 *
 * <p>Gradients, with {@code g = dL/dq}: forward {@code dL/dx = A^T g}, {@code dL/dA[i][j] = g[i] x[j]},
 * {@code dL/db = g}; adjoint (y = x - b, q = A^T y) {@code dL/dy = A g}, {@code dL/dA[i][j] = y[i] g[j]},
 * {@code dL/dx = dL/dy}, {@code dL/db = -dL/dy}.
 */
final class LinearOperator implements Operator {

    private final boolean affine;

    LinearOperator(boolean affine) {
        this.affine = affine;
    }

    @Override
    public OperatorType type() {
        return affine ? OperatorType.AFFINE : OperatorType.LINEAR;
    }

    @Override
    public int parameterCount(int dim) {
        return dim * dim + (affine ? dim : 0);
    }

    @Override
    public void initialize(float[] p, int pOff, int dim) {
        java.util.Arrays.fill(p, pOff, pOff + parameterCount(dim), 0f);
        for (int i = 0; i < dim; i++) {
            p[pOff + i * dim + i] = 1f;
        }
    }

    /** A random orthogonal A (Gram-Schmidt on Gaussian rows, in double precision), b = 0. */
    @Override
    public void initializeRandom(float[] p, int pOff, int dim, java.util.SplittableRandom random, double scale) {
        java.util.Arrays.fill(p, pOff, pOff + parameterCount(dim), 0f);
        double[][] rows = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            double[] v = rows[i];
            double norm;
            do {
                for (int k = 0; k < dim; k++) {
                    v[k] = random.nextGaussian();
                }
                for (int pass = 0; pass < 2; pass++) { // twice: re-orthogonalization keeps rounding errors small
                    for (int j = 0; j < i; j++) {
                        double dot = 0;
                        for (int k = 0; k < dim; k++) {
                            dot += v[k] * rows[j][k];
                        }
                        for (int k = 0; k < dim; k++) {
                            v[k] -= dot * rows[j][k];
                        }
                    }
                }
                norm = 0;
                for (int k = 0; k < dim; k++) {
                    norm += v[k] * v[k];
                }
                norm = Math.sqrt(norm);
            } while (norm < 1e-6);
            for (int k = 0; k < dim; k++) {
                v[k] /= norm;
                p[pOff + i * dim + k] = (float) v[k];
            }
        }
    }

    @Override
    public void apply(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int dim, boolean adjoint) {
        int bOff = pOff + dim * dim;
        if (!adjoint) {
            for (int i = 0; i < dim; i++) {
                int row = pOff + i * dim;
                float s = affine ? p[bOff + i] : 0f;
                for (int j = 0; j < dim; j++) {
                    s += p[row + j] * x[xOff + j];
                }
                out[outOff + i] = s;
            }
        } else {
            java.util.Arrays.fill(out, outOff, outOff + dim, 0f);
            for (int i = 0; i < dim; i++) {
                float y = x[xOff + i] - (affine ? p[bOff + i] : 0f);
                int row = pOff + i * dim;
                for (int j = 0; j < dim; j++) {
                    out[outOff + j] += p[row + j] * y;
                }
            }
        }
    }

    @Override
    public void backward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff, float[] gp, int gpOff,
                         int dim, boolean adjoint) {
        int bOff = dim * dim;
        if (!adjoint) {
            for (int i = 0; i < dim; i++) {
                float g = gOut[gOff + i];
                int row = pOff + i * dim;
                int grow = gpOff + i * dim;
                for (int j = 0; j < dim; j++) {
                    gx[gxOff + j] += p[row + j] * g;
                    gp[grow + j] += g * x[xOff + j];
                }
                if (affine) {
                    gp[gpOff + bOff + i] += g;
                }
            }
        } else {
            for (int i = 0; i < dim; i++) {
                float y = x[xOff + i] - (affine ? p[pOff + bOff + i] : 0f);
                int row = pOff + i * dim;
                int grow = gpOff + i * dim;
                float gy = 0f;
                for (int j = 0; j < dim; j++) {
                    float g = gOut[gOff + j];
                    gy += p[row + j] * g;
                    gp[grow + j] += y * g;
                }
                gx[gxOff + i] += gy;
                if (affine) {
                    gp[gpOff + bOff + i] -= gy;
                }
            }
        }
    }
}
