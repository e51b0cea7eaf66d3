package io.embark.jobs.generate;

import io.embark.jobs.config.GenerateConfig;
import io.embark.jobs.config.GeneratorModel;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Draws the edges of one slice of a synthetic graph. The same config and slice always give the same edges, so a
 * retried Spark task rewrites identical files.
 *
 * <p>R-MAT picks, level by level, one of the four quadrants of the adjacency matrix with probabilities a, b, c and
 * d = 1 - a - b - c, which yields power-law degrees; node ids are then scrambled by a bijection so that
 * high-degree nodes are not all small ids. Relations are skewed: relation k is drawn with probability falling
 * roughly as 1/sqrt(k). The clusters model plants structure that embeddings can learn: node i sits in cluster
 * i mod C, and relation r sends cluster k to cluster (k + r + 1) mod C, except for a fraction of noise edges.
 */
public final class EdgeGenerator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One edge: node ids and relation id. */
    public record Edge(long lhs, int relation, long rhs) {
    }

    private final GenerateConfig cfg;
    private final int levels;

    public EdgeGenerator(GenerateConfig cfg) {
        this.cfg = cfg;
        this.levels = 64 - Long.numberOfLeadingZeros(Math.max(1, cfg.nodes() - 1));
    }

    /** Random source for slice {@code slice}. */
    public SplittableRandom random(int slice) {
        return new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + slice * 0xBF58476D1CE4E5B9L + 1);
    }

    public Edge next(SplittableRandom rnd) {
        int rel = cfg.relations() == 1 ? 0 : (int) (cfg.relations() * Math.pow(rnd.nextDouble(), 2));
        if (cfg.model() == GeneratorModel.CLUSTERS) {
            long lhs = rnd.nextLong(cfg.nodes());
            long rhs;
            if (rnd.nextDouble() < cfg.noise()) {
                rhs = rnd.nextLong(cfg.nodes());
            } else {
                int c = cfg.clusters();
                long target = (lhs % c + rel + 1) % c;
                long members = (cfg.nodes() - target + c - 1) / c;
                rhs = target + c * rnd.nextLong(members);
            }
            return new Edge(lhs, rel, rhs);
        }
        long row = 0;
        long col = 0;
        double ab = cfg.a() + cfg.b();
        double abc = ab + cfg.c();
        for (int l = 0; l < levels; l++) {
            double u = rnd.nextDouble();
            row <<= 1;
            col <<= 1;
            if (u >= cfg.a() && u < ab) {
                col |= 1;
            } else if (u >= ab && u < abc) {
                row |= 1;
            } else if (u >= abc) {
                row |= 1;
                col |= 1;
            }
        }
        return new Edge(scramble(row) % cfg.nodes(), rel, scramble(col) % cfg.nodes());
    }

    /** A bijection on [0, 2^levels): odd multiplier and xor-shift, both invertible modulo a power of two. */
    private long scramble(long x) {
        long mask = levels == 64 ? -1L : (1L << levels) - 1;
        x = (x * 0x9E3779B97F4A7C15L) & mask;
        x ^= x >>> Math.max(1, levels / 2);
        x = (x * 0xD6E8FEB86659FD93L) & mask;
        return x;
    }

    /** Which split an edge goes to: 0 train, 1 valid, 2 test. */
    public int split(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        if (u < cfg.validFraction()) {
            return 1;
        }
        return u < cfg.validFraction() + cfg.testFraction() ? 2 : 0;
    }
}
