package io.embark.embedding.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API versions of {@link FloatMath}'s loops, at the CPU's preferred width (16 floats with AVX-512). Only
 * loaded when the {@code jdk.incubator.vector} module is present.
 */
final class VectorMath {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {
    }

    /** False when the preferred species is too narrow to gain anything (no SIMD: 1 lane). */
    static boolean usable() {
        return F.length() >= 4;
    }

    static double softmaxRow(float[] s, int off, int m, int pos, boolean[] valid, float w, float[] g, int gOff) {
        final int step = F.length();
        final int bound = F.loopBound(m);
        final float sp = s[off + pos];
        FloatVector vmax = FloatVector.broadcast(F, sp);
        int j = 0;
        for (; j < bound; j += step) {
            VectorMask<Float> mask = VectorMask.fromArray(F, valid, j);
            vmax = vmax.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, s, off + j), mask);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; j < m; j++) {
            if (valid[j] && s[off + j] > max) {
                max = s[off + j];
            }
        }
        FloatVector vsum = FloatVector.zero(F);
        FloatVector zero = FloatVector.zero(F);
        for (j = 0; j < bound; j += step) {
            VectorMask<Float> mask = VectorMask.fromArray(F, valid, j);
            FloatVector e = FloatVector.fromArray(F, s, off + j).sub(max).lanewise(VectorOperators.EXP);
            e = zero.blend(e, mask);
            e.intoArray(g, gOff + j);
            vsum = vsum.add(e);
        }
        double sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; j < m; j++) {
            float e = valid[j] ? (float) Math.exp(s[off + j] - max) : 0f;
            g[gOff + j] = e;
            sum += e;
        }
        double ePos = Math.exp(sp - max);
        sum += ePos;
        float scale = (float) (w / sum);
        for (j = 0; j < bound; j += step) {
            FloatVector.fromArray(F, g, gOff + j).mul(scale).intoArray(g, gOff + j);
        }
        for (; j < m; j++) {
            g[gOff + j] *= scale;
        }
        g[gOff + pos] = w * ((float) (ePos / sum) - 1f);
        return max + Math.log(sum) - sp;
    }

    static float sumOfSquares(float[] v, int off, int len) {
        final int step = F.length();
        final int bound = F.loopBound(len);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += step) {
            FloatVector x = FloatVector.fromArray(F, v, off + k);
            acc = x.fma(x, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            sum += v[off + k] * v[off + k];
        }
        return sum;
    }

    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
        final int step = F.length();
        final int bound = F.loopBound(len);
        FloatVector va = FloatVector.broadcast(F, a);
        int k = 0;
        for (; k < bound; k += step) {
            FloatVector.fromArray(F, x, xOff + k).fma(va, FloatVector.fromArray(F, y, yOff + k)).intoArray(y, yOff + k);
        }
        for (; k < len; k++) {
            y[yOff + k] += a * x[xOff + k];
        }
    }

    static void adagrad(float[] data, float[] state, int off, float[] g, int gOff, int len, float lr, float eps) {
        final int step = F.length();
        final int bound = F.loopBound(len);
        int k = 0;
        for (; k < bound; k += step) {
            FloatVector v = FloatVector.fromArray(F, g, gOff + k);
            FloatVector a = v.fma(v, FloatVector.fromArray(F, state, off + k));
            a.intoArray(state, off + k);
            FloatVector x = FloatVector.fromArray(F, data, off + k);
            x.sub(v.mul(lr).div(a.sqrt().add(eps))).intoArray(data, off + k);
        }
        for (; k < len; k++) {
            float v = g[gOff + k];
            float a = state[off + k] + v * v;
            state[off + k] = a;
            data[off + k] -= lr * v / ((float) Math.sqrt(a) + eps);
        }
    }
}
