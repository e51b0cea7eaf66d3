package io.embark.allreduce.sim;

import io.embark.allreduce.cost.CostFormulas;
import io.embark.allreduce.cost.LinkCost;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts the time of each all-reduce schedule on a cluster described level by level (e.g. 64 hosts
 * x 8 ranks, with per-level alpha and beta), for ranks numbered contiguously within groups.
 *
 * <ul>
 *   <li>Flat ring: {@code 2(p-1)} steps; each step is as slow as the slowest link any ring edge
 *       crosses, which is one flow per group at the outermost level:
 *       {@code 2(p-1) max_l(alpha_l + N/p beta_l)}.</li>
 *   <li>Flat halving-doubling: the step at distance {@code d} crosses the innermost level whose groups
 *       are larger than {@code d}; all ranks of a level-below group cross at once and share its links.</li>
 *   <li>Hierarchical (BlueConnect): level {@code l} runs reduce-scatter and all-gather on
 *       {@code N/(p1...p(l-1))} bytes in groups of {@code pl}; the {@code p1...p(l-1)} concurrent groups
 *       whose traffic leaves one level-below group share its {@code linksPerGroup} links. Each level
 *       takes the cheaper of ring and halving-doubling (the latter for powers of two).</li>
 * </ul>
 * Arithmetic and memory traffic for the reduction are left out, as in the cost model.
 */
public final class Simulator {
    private final List<LevelSpec> levels;
    private final int worldSize;

    public Simulator(List<LevelSpec> levels) {
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("at least one level");
        }
        this.levels = List.copyOf(levels);
        int p = 1;
        for (LevelSpec l : levels) {
            p *= l.fanOut();
        }
        this.worldSize = p;
    }

    public int worldSize() {
        return worldSize;
    }

    /** Ranks in one group of level {@code l} ({@code l = -1}: a single rank). */
    private int groupSize(int l) {
        int s = 1;
        for (int i = 0; i <= l; i++) {
            s *= levels.get(i).fanOut();
        }
        return s;
    }

    /** Flows sharing one link when all ranks of a level {@code l-1} group send across level {@code l} at once. */
    private int sharing(int l, int concurrentFlows) {
        return (int) Math.ceil((double) concurrentFlows / levels.get(l).linksPerGroup());
    }

    private int outermostNonTrivial() {
        for (int l = levels.size() - 1; l >= 0; l--) {
            if (levels.get(l).fanOut() > 1) {
                return l;
            }
        }
        return 0;
    }

    public double flatRing(double bytes) {
        int p = worldSize;
        if (p == 1) {
            return 0;
        }
        double step = 0;
        for (int l = 0; l <= outermostNonTrivial(); l++) {
            if (levels.get(l).fanOut() > 1) {
                step = Math.max(step, levels.get(l).cost().seconds(bytes / p));
            }
        }
        return 2 * (p - 1) * step;
    }

    public double flatHalvingDoubling(double bytes) {
        int p = worldSize;
        if (Integer.bitCount(p) != 1) {
            return Double.NaN;
        }
        double t = 0;
        for (int d = p / 2; d >= 1; d /= 2) {
            int l = 0;
            while (groupSize(l) <= d) {
                l++;
            }
            LinkCost c = levels.get(l).cost();
            double chunk = bytes * d / p;
            t += 2 * (c.alphaSeconds() + chunk * c.betaSecondsPerByte() * sharing(l, groupSize(l - 1)));
        }
        return t;
    }

    public double hierarchical(double bytes) {
        double t = 0;
        double n = bytes;
        for (int l = 0; l < levels.size(); l++) {
            int pl = levels.get(l).fanOut();
            if (pl == 1) {
                continue;
            }
            LinkCost c = levels.get(l).cost();
            int share = sharing(l, groupSize(l - 1));
            LinkCost shared = new LinkCost(c.alphaSeconds(), c.betaSecondsPerByte() * share);
            double ring = CostFormulas.ringHalf(pl, n, shared);
            double halving = Integer.bitCount(pl) == 1 ? CostFormulas.halvingHalf(pl, n, shared) : Double.MAX_VALUE;
            t += 2 * Math.min(ring, halving);
            n /= pl;
        }
        return t;
    }

    /** All predictions for {@code bytes}, by schedule name, seconds. */
    public Map<String, Double> predict(double bytes) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("flat ring", flatRing(bytes));
        m.put("flat halving-doubling", flatHalvingDoubling(bytes));
        m.put("hierarchical", hierarchical(bytes));
        return m;
    }
}
