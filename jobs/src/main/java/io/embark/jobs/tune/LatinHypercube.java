package io.embark.jobs.tune;

import io.embark.jobs.config.SearchDimension;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws n configs from a search space as a Latin hypercube: each numeric dimension's range is cut into n strata of
 * equal width (in the logarithm for {@code log}), and every stratum holds exactly one trial, at a uniform point inside
 * it, the strata paired at random across dimensions. A choice's values are dealt out in equal shares (n = 5 over
 * {@code [a, b]}: three of one, two of the other), in random order. The same space, n and seed give the same draws.
 *
 * <p>Example: {@code range = [0, 1]}, n = 4: one value in each of [0, 0.25), [0.25, 0.5), [0.5, 0.75), [0.75, 1].
 * {@code log = [0.001, 1]}, n = 3: one in each of [0.001, 0.01), [0.01, 0.1), [0.1, 1]. An integer range
 * {@code [1, 8]}, n = 4: the strata are [1, 3), [3, 5), [5, 7), [7, 9) of the real line, floored: one of {1, 2}, one of
 * {3, 4}, and so on.
 */
final class LatinHypercube {

    /** Significant digits a drawn real value keeps: enough to be any value, few enough to read. */
    static final int DIGITS = 6;

    private LatinHypercube() {
    }

    /** n configs: each maps every dimension's key to its value, written as the config would write it. */
    static List<Map<String, String>> sample(List<SearchDimension> space, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LinkedHashMap<>());
        }
        for (SearchDimension d : space) {
            int[] order = permutation(n, random);
            for (int i = 0; i < n; i++) {
                String value;
                if (d instanceof SearchDimension.Range r) {
                    value = value(r, (order[i] + random.nextDouble()) / n);
                } else {
                    List<String> values = ((SearchDimension.Choice) d).values();
                    value = values.get(order[i] % values.size());
                }
                out.get(i).put(d.key(), value);
            }
        }
        return out;
    }

    /** The value at quantile {@code u} (in [0, 1)) of a range. */
    static String value(SearchDimension.Range r, double u) {
        boolean log = r.scale() == SearchDimension.Scale.LOG;
        if (r.integer()) {
            // integers: the real interval [low, high + 1) cut into strata, floored, so every integer is reachable
            double lo = r.low();
            double hi = r.high() + 1;
            double x = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
            return Long.toString((long) Math.min(r.high(), Math.max(r.low(), Math.floor(x))));
        }
        double x = log ? Math.exp(Math.log(r.low()) + u * (Math.log(r.high()) - Math.log(r.low()))) : r.low() + u * (r.high() - r.low());
        double rounded = new BigDecimal(x).round(new MathContext(DIGITS)).doubleValue();
        rounded = Math.min(r.high(), Math.max(r.low(), rounded));
        return BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString();
    }

    /** 0..n-1 in random order (Fisher-Yates). */
    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
