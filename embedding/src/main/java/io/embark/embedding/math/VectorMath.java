package io.embark.embedding.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API versions of {@link FloatMath}'s loops, at the CPU's preferred width (16 floats with AVX-512). Only
 * loaded when the {@code jdk.incubator.vector} module is present.
 *
 * <p>Results do not depend on whether the JIT has compiled a loop yet: a method runs interpreted (the API's Java
 * fallbacks) before C2 compiles it (intrinsics), and a run resumed in a new JVM must compute what the uninterrupted
 * one did. So no operation whose result differs between the two is used: {@code reduceLanes(ADD)} (the intrinsic adds
 * the lanes in another order than the fallback) is replaced by a fixed tree of lane rotations ({@link #sum}) and
 * {@code lanewise(EXP)} (an intrinsic stub that can differ from the fallback's {@code Math.exp} by an ulp) by a
 * polynomial made of additions and fused multiply-adds ({@link #exp}), which IEEE 754 defines exactly.
 */
final class VectorMath {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    /**
     * Constants of the species' own class: a Vector API call on a receiver whose class C2 cannot prove (a loop's
     * running vector) stays a virtual call, and its operator then runs lane by lane in the API's Java fallback.
     * Receivers only, never a loop's starting value: a running vector that starts as one of these (an object from the
     * heap) is boxed by C2 at every iteration (JDK 17: 96 bytes per vector, see the {@code VectorLoopJmh} benchmark; the
     * softmax's JMH {@code softmaxRows} allocated 312 KB per op that way); a loop starts from {@code FloatVector.zero(F)}
     * or a broadcast instead.
     */
    private static final FloatVector ZERO = FloatVector.zero(F);
    private static final FloatVector NEG_INF = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    /**
     * Rotations by 32, 16, 8, 4, 2 and 1 lanes, for {@link #sum}'s tree; the ones not shorter than the vector are
     * never used. Constants (not a list), so that C2 compiles the rotations as vector permutations.
     */
    private static final VectorShuffle<Float> R32 = rotation(32);
    private static final VectorShuffle<Float> R16 = rotation(16);
    private static final VectorShuffle<Float> R8 = rotation(8);
    private static final VectorShuffle<Float> R4 = rotation(4);
    private static final VectorShuffle<Float> R2 = rotation(2);
    private static final VectorShuffle<Float> R1 = rotation(1);

    private static final float LOG2E = 1.44269504f;
    /** ln 2 split in two: the high part has few mantissa bits, so n * LN2_HI is exact for the n that occur. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** Below this, e^x is no longer a normal float. */
    private static final float EXP_MIN = -87f;

    private VectorMath() {
    }

    /** False when the preferred species is too narrow to gain anything (no SIMD: 1 lane), or wider than {@link #sum} covers. */
    static boolean usable() {
        return F.length() >= 4 && F.length() <= 64;
    }

    static double softmaxRow(float[] s, int off, int m, int pos, boolean[] valid, float w, float[] g, int gOff) {
        final int step = F.length();
        final int bound = F.loopBound(m);
        final float sp = s[off + pos];
        FloatVector vmax = FloatVector.broadcast(F, sp);
        int j = 0;
        for (; j < bound; j += step) {
            VectorMask<Float> mask = VectorMask.fromArray(F, valid, j);
            // receivers of a known class (a constant, then blend's result), so C2 binds both calls statically
            vmax = NEG_INF.blend(FloatVector.fromArray(F, s, off + j), mask).max(vmax);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; j < m; j++) {
            if (valid[j] && s[off + j] > max) {
                max = s[off + j];
            }
        }
        double sum = expShifted(s, off, bound, max, valid, g, gOff);
        for (j = bound; j < m; j++) {
            float e = valid[j] ? exp(s[off + j] - max) : 0f;
            g[gOff + j] = e;
            sum += e;
        }
        double ePos = exp(sp - max);
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

    /**
     * Writes {@code e^(s[off + j] - max)} for the valid j of the whole vectors below {@code bound} (0 for the others) to
     * {@code g[gOff + j]} and returns their sum. A method of its own so that C2 inlines {@link #exp(FloatVector)} into
     * it: inside {@link #softmaxRow} the node budget ran out first and every vector crossed a call boxed.
     */
    private static double expShifted(float[] s, int off, int bound, float max, boolean[] valid, float[] g, int gOff) {
        FloatVector vsum = FloatVector.zero(F); // not ZERO: see its comment
        for (int j = 0; j < bound; j += LANES) {
            VectorMask<Float> mask = VectorMask.fromArray(F, valid, j);
            FloatVector e = ZERO.blend(exp(FloatVector.fromArray(F, s, off + j).sub(max)), mask);
            e.intoArray(g, gOff + j);
            vsum = e.add(vsum);
        }
        return sum(vsum);
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
        float sum = sum(acc);
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

    static double n3(float[] v, int off, int len, boolean complex, float coef, float[] grad, int gOff) {
        final int step = F.length();
        final float c3 = 3f * coef;
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        if (complex) {
            final int h = len / 2;
            final int bound = F.loopBound(h);
            for (; k < bound; k += step) {
                FloatVector re = FloatVector.fromArray(F, v, off + k);
                FloatVector im = FloatVector.fromArray(F, v, off + h + k);
                FloatVector mod = re.mul(re).add(im.mul(im)).sqrt();
                acc = acc.add(mod.mul(mod).mul(mod));
                FloatVector cm = mod.mul(c3);
                FloatVector.fromArray(F, grad, gOff + k).add(cm.mul(re)).intoArray(grad, gOff + k);
                FloatVector.fromArray(F, grad, gOff + h + k).add(cm.mul(im)).intoArray(grad, gOff + h + k);
            }
        } else {
            final int bound = F.loopBound(len);
            for (; k < bound; k += step) {
                FloatVector x = FloatVector.fromArray(F, v, off + k);
                FloatVector a = x.abs();
                acc = acc.add(a.mul(a).mul(a));
                FloatVector.fromArray(F, grad, gOff + k).add(a.mul(c3).mul(x)).intoArray(grad, gOff + k);
            }
        }
        return coef * (sum(acc) + FloatMath.scalarN3Sum(v, off, len, complex, c3, grad, gOff, k));
    }

    static void complexProduct(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int h, float sign) {
        final int step = F.length();
        final int bound = F.loopBound(h);
        int k = 0;
        for (; k < bound; k += step) {
            FloatVector a = FloatVector.fromArray(F, p, pOff + k);
            FloatVector b = FloatVector.fromArray(F, p, pOff + h + k).mul(sign);
            FloatVector re = FloatVector.fromArray(F, x, xOff + k);
            FloatVector im = FloatVector.fromArray(F, x, xOff + h + k);
            a.mul(re).sub(b.mul(im)).intoArray(out, outOff + k);
            a.mul(im).add(b.mul(re)).intoArray(out, outOff + h + k);
        }
        FloatMath.scalarComplexProduct(p, pOff, x, xOff, out, outOff, h, sign, k);
    }

    static void complexProductBackward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff,
                                       float[] gp, int gpOff, int h, float sign) {
        final int step = F.length();
        final int bound = F.loopBound(h);
        int k = 0;
        for (; k < bound; k += step) {
            FloatVector a = FloatVector.fromArray(F, p, pOff + k);
            FloatVector b = FloatVector.fromArray(F, p, pOff + h + k).mul(sign);
            FloatVector re = FloatVector.fromArray(F, x, xOff + k);
            FloatVector im = FloatVector.fromArray(F, x, xOff + h + k);
            FloatVector gre = FloatVector.fromArray(F, gOut, gOff + k);
            FloatVector gim = FloatVector.fromArray(F, gOut, gOff + h + k);
            FloatVector.fromArray(F, gx, gxOff + k).add(a.mul(gre).add(b.mul(gim))).intoArray(gx, gxOff + k);
            FloatVector.fromArray(F, gx, gxOff + h + k).add(a.mul(gim).sub(b.mul(gre))).intoArray(gx, gxOff + h + k);
            FloatVector.fromArray(F, gp, gpOff + k).add(re.mul(gre).add(im.mul(gim))).intoArray(gp, gpOff + k);
            FloatVector.fromArray(F, gp, gpOff + h + k).add(re.mul(gim).sub(im.mul(gre)).mul(sign)).intoArray(gp, gpOff + h + k);
        }
        FloatMath.scalarComplexProductBackward(p, pOff, x, xOff, gOut, gOff, gx, gxOff, gp, gpOff, h, sign, k);
    }

    /** The sum of the lanes of {@code v}, always added in the same order (a tree of rotations), compiled or not. */
    static float sum(FloatVector v) {
        if (LANES > 32) {
            v = v.add(v.rearrange(R32));
        }
        if (LANES > 16) {
            v = v.add(v.rearrange(R16));
        }
        if (LANES > 8) {
            v = v.add(v.rearrange(R8));
        }
        if (LANES > 4) {
            v = v.add(v.rearrange(R4));
        }
        if (LANES > 2) {
            v = v.add(v.rearrange(R2));
        }
        if (LANES > 1) {
            v = v.add(v.rearrange(R1));
        }
        return v.lane(0);
    }

    private static VectorShuffle<Float> rotation(int lanes) {
        return VectorShuffle.iota(F, lanes % LANES, 1, true);
    }

    /**
     * e^x per lane for x <= 0 (softmax's shifted scores), relative error about 1e-7; lanes below -87 give e^-87.
     * x = n ln 2 + r with |r| <= ln 2 / 2; e^r from a degree-6 polynomial (the coefficients of Cephes' expf);
     * 2^n written straight into the exponent bits: adding ROUND leaves n + 2^22 in the low bits of t's mantissa.
     */
    static FloatVector exp(FloatVector x) {
        x = x.lanewise(VectorOperators.MAX, EXP_MIN);
        FloatVector t = x.mul(LOG2E).add(ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        FloatVector y = p.mul(r).fma(r, r).add(1f);
        IntVector biased = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127);
        return y.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /**
     * {@link #exp(FloatVector)} of one float, operation for operation (the same roundings and fused multiply-adds), so a
     * row's tail after its last whole vector gets what a lane would: a fraction of the cost of {@code Math.exp}, which
     * the tails of rows like 100 scores (12 vectors of 8 and 4 left) called 5 times per row.
     */
    static float exp(float x) {
        x = Math.max(x, EXP_MIN);
        float t = x * LOG2E + ROUND;
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = 1.9875691500e-4f;
        p = Math.fma(p, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float y = Math.fma(p * r, r, r) + 1f;
        int biased = Float.floatToRawIntBits(t) - (Float.floatToRawIntBits(ROUND) - 127);
        return y * Float.intBitsToFloat(biased << 23);
    }
}
