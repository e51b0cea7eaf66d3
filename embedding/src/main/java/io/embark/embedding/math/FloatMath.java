package io.embark.embedding.math;

/**
 * Entry points of the hot float loops. Each dispatches once, on a constant the JIT folds, to {@link VectorMath} when
 * the {@code jdk.incubator.vector} module is in the JVM's boot layer (and {@code -Dembark.simd=false} is not set), or
 * to the scalar reference beside it. The two agree to float rounding (the vector softmax uses a float exp); the tests
 * compare them.
 *
 * <p>Why: C2 in Java 17 does not vectorize float reductions or calls to {@code Math.exp}, and in the chunk step the
 * softmax over 2 x 50 x 1,050 scores took 11% of the time and the row-wise Adagrad 22% (docs/BENCHMARKS.md).
 */
public final class FloatMath {

    /** Whether the Vector API versions run. */
    public static final boolean SIMD = detect();

    private FloatMath() {
    }

    private static boolean detect() {
        if (!Boolean.parseBoolean(System.getProperty("embark.simd", "true"))) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorMath.usable();
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * The softmax loss of one row: {@code s[off + pos]} is the positive's score, the columns j with {@code valid[j]} the
     * negatives'. Writes {@code w dL/ds} to {@code g[gOff, gOff + m)} (0 for invalid columns) and returns the unweighted
     * loss {@code -s_pos + log(exp(s_pos) + sum_valid exp(s_j))}.
     */
    public static double softmaxRow(float[] s, int off, int m, int pos, boolean[] valid, float w, float[] g, int gOff) {
        return SIMD ? VectorMath.softmaxRow(s, off, m, pos, valid, w, g, gOff) : scalarSoftmaxRow(s, off, m, pos, valid, w, g, gOff);
    }

    /** {@code sum v[k]^2} over {@code v[off, off + len)}. */
    public static float sumOfSquares(float[] v, int off, int len) {
        return SIMD ? VectorMath.sumOfSquares(v, off, len) : scalarSumOfSquares(v, off, len);
    }

    /** {@code y[yOff + k] += a * x[xOff + k]} for k in [0, len). */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
        if (SIMD) {
            VectorMath.axpy(a, x, xOff, y, yOff, len);
        } else {
            scalarAxpy(a, x, xOff, y, yOff, len);
        }
    }

    /**
     * Element-wise Adagrad over {@code len} entries: {@code a_k += g_k^2}, {@code x_k -= lr g_k / (sqrt(a_k) + eps)}
     * with x and a at {@code off} of {@code data} and {@code state}, g at {@code gOff}.
     */
    public static void adagrad(float[] data, float[] state, int off, float[] g, int gOff, int len, float lr, float eps) {
        if (SIMD) {
            VectorMath.adagrad(data, state, off, g, gOff, len, lr, eps);
        } else {
            scalarAdagrad(data, state, off, g, gOff, len, lr, eps);
        }
    }

    /**
     * N3 of {@code v[off, off + len)}: returns {@code coef * sum |x|^3} (complex moduli when {@code complex}: entry k
     * pairs with k + len/2) and adds its gradient {@code 3 coef |x| x} (per component, |x| the modulus) to
     * {@code grad[gOff, gOff + len)}. The vector and scalar versions compute the same gradient bit for bit; the sums
     * differ in rounding (the order of additions).
     */
    public static double n3(float[] v, int off, int len, boolean complex, float coef, float[] grad, int gOff) {
        return SIMD ? VectorMath.n3(v, off, len, complex, coef, grad, gOff) : scalarN3(v, off, len, complex, coef, grad, gOff);
    }

    public static double scalarN3(float[] v, int off, int len, boolean complex, float coef, float[] grad, int gOff) {
        return coef * scalarN3Sum(v, off, len, complex, 3f * coef, grad, gOff, 0);
    }

    /**
     * {@code sum |x|^3} over entries (complex: moduli) {@code from} on, adding {@code c3 |x| x} to the gradient; the
     * tail of {@link VectorMath#n3} as well.
     */
    static double scalarN3Sum(float[] v, int off, int len, boolean complex, float c3, float[] grad, int gOff, int from) {
        double sum = 0;
        if (complex) {
            int h = len / 2;
            for (int k = from; k < h; k++) {
                float re = v[off + k];
                float im = v[off + h + k];
                float mod = (float) Math.sqrt(re * re + im * im);
                sum += (double) mod * mod * mod;
                grad[gOff + k] += c3 * mod * re;
                grad[gOff + h + k] += c3 * mod * im;
            }
        } else {
            for (int k = from; k < len; k++) {
                float x = v[off + k];
                float a = Math.abs(x);
                sum += (double) a * a * a;
                grad[gOff + k] += c3 * a * x;
            }
        }
        return sum;
    }

    /**
     * The complex element-wise product {@code out = r * x} of h complex numbers stored as h real parts then h imaginary
     * parts (r = {@code p[pOff..]}, its imaginary parts multiplied by {@code sign}: -1 for the conjugate). The vector
     * and scalar versions are the same float operations in the same order: equal bit for bit.
     */
    public static void complexProduct(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int h, float sign) {
        if (SIMD) {
            VectorMath.complexProduct(p, pOff, x, xOff, out, outOff, h, sign);
        } else {
            scalarComplexProduct(p, pOff, x, xOff, out, outOff, h, sign, 0);
        }
    }

    /** {@link #complexProduct} from entry {@code from} on. */
    public static void scalarComplexProduct(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int h, float sign, int from) {
        for (int k = from; k < h; k++) {
            float a = p[pOff + k];
            float b = sign * p[pOff + h + k];
            float re = x[xOff + k];
            float im = x[xOff + h + k];
            out[outOff + k] = a * re - b * im;
            out[outOff + h + k] = a * im + b * re;
        }
    }

    /**
     * Gradients of {@link #complexProduct} given {@code gOut = dL/dout}: adds {@code dL/dx} to {@code gx} and
     * {@code dL/dr} to {@code gp}. Vector and scalar versions equal bit for bit.
     */
    public static void complexProductBackward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff,
                                              float[] gp, int gpOff, int h, float sign) {
        if (SIMD) {
            VectorMath.complexProductBackward(p, pOff, x, xOff, gOut, gOff, gx, gxOff, gp, gpOff, h, sign);
        } else {
            scalarComplexProductBackward(p, pOff, x, xOff, gOut, gOff, gx, gxOff, gp, gpOff, h, sign, 0);
        }
    }

    /** {@link #complexProductBackward} from entry {@code from} on. */
    public static void scalarComplexProductBackward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff,
                                                    float[] gp, int gpOff, int h, float sign, int from) {
        for (int k = from; k < h; k++) {
            float a = p[pOff + k];
            float b = sign * p[pOff + h + k];
            float re = x[xOff + k];
            float im = x[xOff + h + k];
            float gre = gOut[gOff + k];
            float gim = gOut[gOff + h + k];
            gx[gxOff + k] += a * gre + b * gim;
            gx[gxOff + h + k] += a * gim - b * gre;
            gp[gpOff + k] += re * gre + im * gim;
            gp[gpOff + h + k] += sign * (re * gim - im * gre);
        }
    }

    public static void scalarAdagrad(float[] data, float[] state, int off, float[] g, int gOff, int len, float lr, float eps) {
        for (int k = 0; k < len; k++) {
            float v = g[gOff + k];
            float a = state[off + k] + v * v;
            state[off + k] = a;
            data[off + k] -= lr * v / ((float) Math.sqrt(a) + eps);
        }
    }

    public static double scalarSoftmaxRow(float[] s, int off, int m, int pos, boolean[] valid, float w, float[] g, int gOff) {
        float sp = s[off + pos];
        float max = sp;
        for (int j = 0; j < m; j++) {
            if (valid[j] && s[off + j] > max) {
                max = s[off + j];
            }
        }
        double ePos = Math.exp(sp - max);
        double sum = ePos;
        for (int j = 0; j < m; j++) {
            float e = valid[j] ? (float) Math.exp(s[off + j] - max) : 0f;
            g[gOff + j] = e;
            sum += e;
        }
        float scale = (float) (w / sum);
        for (int j = 0; j < m; j++) {
            g[gOff + j] *= scale;
        }
        g[gOff + pos] = w * ((float) (ePos / sum) - 1f);
        return max + Math.log(sum) - sp;
    }

    /**
     * Eight independent partial sums: a single running sum is one long chain of dependent additions, which the JIT
     * may not reorder (float addition is not associative).
     */
    public static float scalarSumOfSquares(float[] v, int off, int len) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int k = 0;
        for (; k + 8 <= len; k += 8) {
            int i = off + k;
            s0 += v[i] * v[i];
            s1 += v[i + 1] * v[i + 1];
            s2 += v[i + 2] * v[i + 2];
            s3 += v[i + 3] * v[i + 3];
            s4 += v[i + 4] * v[i + 4];
            s5 += v[i + 5] * v[i + 5];
            s6 += v[i + 6] * v[i + 6];
            s7 += v[i + 7] * v[i + 7];
        }
        for (; k < len; k++) {
            s0 += v[off + k] * v[off + k];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    public static void scalarAxpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int k = 0; k < len; k++) {
            y[yOff + k] += a * x[xOff + k];
        }
    }
}
