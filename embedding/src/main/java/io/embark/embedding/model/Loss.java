package io.embark.embedding.model;

import io.embark.embedding.config.LossType;
import io.embark.embedding.math.FloatMath;

/**
 * The loss of one query: its positive score {@code s[pos]} against the negatives' scores (the columns with
 * {@code valid[j]}), multiplied by the edge's weight w. Writes {@code dL/ds} for every column (0 where neither
 * positive nor valid negative) and returns the weighted loss.
 * <ul>
 *   <li>ranking (margin m): {@code L = sum_neg max(0, m - s_pos + s_neg)}</li>
 *   <li>logistic: {@code L = softplus(-s_pos) + mean_neg softplus(s_neg)}</li>
 *   <li>softmax: {@code L = -s_pos + log(exp(s_pos) + sum_neg exp(s_neg))}</li>
 * </ul>
 */
public enum Loss {
    RANKING, LOGISTIC, SOFTMAX;

    public static Loss of(LossType type) {
        return switch (type) {
            case RANKING -> RANKING;
            case LOGISTIC -> LOGISTIC;
            case SOFTMAX -> SOFTMAX;
        };
    }

    public double row(float[] s, int off, int m, int pos, boolean[] valid, float w, float margin, float[] g, int gOff) {
        float sp = s[off + pos];
        double loss = 0;
        switch (this) {
            case RANKING -> {
                float gPos = 0f;
                for (int j = 0; j < m; j++) {
                    float gj = 0f;
                    if (valid[j]) {
                        float v = margin - sp + s[off + j];
                        if (v > 0f) {
                            loss += v;
                            gj = w;
                            gPos -= w;
                        }
                    }
                    g[gOff + j] = gj;
                }
                g[gOff + pos] = gPos;
            }
            case LOGISTIC -> {
                int count = 0;
                for (int j = 0; j < m; j++) {
                    if (valid[j]) {
                        count++;
                    }
                }
                float inv = count == 0 ? 0f : 1f / count;
                for (int j = 0; j < m; j++) {
                    if (valid[j]) {
                        float x = s[off + j];
                        loss += inv * softplus(x);
                        g[gOff + j] = w * inv * sigmoid(x);
                    } else {
                        g[gOff + j] = 0f;
                    }
                }
                loss += softplus(-sp);
                g[gOff + pos] = -w * sigmoid(-sp);
            }
            case SOFTMAX -> loss = FloatMath.softmaxRow(s, off, m, pos, valid, w, g, gOff);
        }
        return w * loss;
    }

    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
