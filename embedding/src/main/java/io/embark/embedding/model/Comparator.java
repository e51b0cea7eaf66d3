package io.embark.embedding.model;

import io.embark.embedding.config.ComparatorType;

/**
 * Turns the dot products of (prepared) query and candidate vectors into scores, and back. Every comparator is a
 * function of {@code dot = q.c}, {@code qq = |q|^2} and {@code cc = |c|^2}, so a chunk's scores are one matrix product
 * followed by element-wise work:
 * <ul>
 *   <li>dot: {@code s = dot}</li>
 *   <li>cos: vectors are normalized first ({@link #normalizes()}), then {@code s = dot}</li>
 *   <li>squared_l2: {@code s = -(qq + cc - 2 dot)}</li>
 *   <li>l2: {@code s = -sqrt(max(qq + cc - 2 dot, 1e-30))}</li>
 * </ul>
 */
public enum Comparator {
    DOT, COS, SQUARED_L2, L2;

    private static final float MIN_SQ_DIST = 1e-30f;

    public static Comparator of(ComparatorType type) {
        return switch (type) {
            case DOT -> DOT;
            case COS -> COS;
            case SQUARED_L2 -> SQUARED_L2;
            case L2 -> L2;
        };
    }

    /** True when query and candidate vectors are scaled to unit length before the product. */
    public boolean normalizes() {
        return this == COS;
    }

    /** True when the scores need the squared norms qq and cc. */
    public boolean needsNorms() {
        return this == SQUARED_L2 || this == L2;
    }

    /** Score of one pair from its dot product and squared norms. */
    public float score(float dot, float qq, float cc) {
        return switch (this) {
            case DOT, COS -> dot;
            case SQUARED_L2 -> -(qq + cc - 2f * dot);
            case L2 -> (float) -Math.sqrt(Math.max(qq + cc - 2f * dot, MIN_SQ_DIST));
        };
    }

    /** Converts the n x m dot products {@code s} (row stride ld) to scores, in place. */
    public void scores(float[] s, int n, int m, int ld, float[] qq, float[] cc) {
        if (this == DOT || this == COS) {
            return;
        }
        for (int i = 0; i < n; i++) {
            int row = i * ld;
            for (int j = 0; j < m; j++) {
                s[row + j] = score(s[row + j], qq[i], cc[j]);
            }
        }
    }

    /**
     * Given the scores {@code s} and {@code g = dL/ds}, overwrites g with {@code dL/d dot} and adds {@code dL/dqq} to
     * {@code gqq} and {@code dL/dcc} to {@code gcc}. For l2, with D the squared distance and s = -sqrt(D):
     * {@code dL/dD = g / (2 s)}, so {@code dL/d dot = -g / s} and {@code dL/dqq = dL/dcc = g / (2 s)}.
     */
    public void backward(float[] s, float[] g, int n, int m, int ld, float[] gqq, float[] gcc) {
        switch (this) {
            case DOT, COS -> {
            }
            case SQUARED_L2 -> {
                for (int i = 0; i < n; i++) {
                    int row = i * ld;
                    float rowSum = 0f;
                    for (int j = 0; j < m; j++) {
                        float gij = g[row + j];
                        rowSum += gij;
                        gcc[j] -= gij;
                        g[row + j] = 2f * gij;
                    }
                    gqq[i] -= rowSum;
                }
            }
            case L2 -> {
                float minScore = (float) -Math.sqrt(MIN_SQ_DIST);
                for (int i = 0; i < n; i++) {
                    int row = i * ld;
                    float rowSum = 0f;
                    for (int j = 0; j < m; j++) {
                        float sij = s[row + j];
                        float gij = g[row + j];
                        if (sij >= minScore || gij == 0f) {
                            g[row + j] = 0f;
                            continue;
                        }
                        float dD = gij / (2f * sij);
                        rowSum += dD;
                        gcc[j] += dD;
                        g[row + j] = -2f * dD;
                    }
                    gqq[i] += rowSum;
                }
            }
        }
    }

    /** Scales {@code v[off, off+dim)} to unit length in place and returns its original norm (at least 1e-12). */
    public static float normalize(float[] v, int off, int dim) {
        double ss = 0;
        for (int k = 0; k < dim; k++) {
            ss += v[off + k] * v[off + k];
        }
        float norm = (float) Math.max(Math.sqrt(ss), 1e-12);
        float inv = 1f / norm;
        for (int k = 0; k < dim; k++) {
            v[off + k] *= inv;
        }
        return norm;
    }

    /**
     * Backpropagates through {@code u = v / |v|}: given the unit vector u, the norm |v| and {@code g = dL/du} (in place),
     * writes {@code dL/dv = (g - u (u.g)) / |v|}.
     */
    public static void normalizeBackward(float[] u, int uOff, float norm, float[] g, int gOff, int dim) {
        float ug = 0f;
        for (int k = 0; k < dim; k++) {
            ug += u[uOff + k] * g[gOff + k];
        }
        float inv = 1f / norm;
        for (int k = 0; k < dim; k++) {
            g[gOff + k] = (g[gOff + k] - u[uOff + k] * ug) * inv;
        }
    }
}
