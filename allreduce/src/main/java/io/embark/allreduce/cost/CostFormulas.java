package io.embark.allreduce.cost;

/**
 * Textbook alpha-beta times (seconds) of each schedule for {@code n} bytes over {@code p} members on
 * links of cost {@code c}. Reduction arithmetic is taken as free (memory-bound and overlapped).
 */
public final class CostFormulas {
    private CostFormulas() {
    }

    static double log2(int p) {
        return 31 - Integer.numberOfLeadingZeros(p);
    }

    /** Ring reduce-scatter (or all-gather): {@code (p-1) (alpha + n/p beta)}. */
    public static double ringHalf(int p, double n, LinkCost c) {
        return p <= 1 ? 0 : (p - 1) * (c.alphaSeconds() + n / p * c.betaSecondsPerByte());
    }

    /** Recursive halving reduce-scatter (or doubling all-gather), p a power of two: {@code log2 p alpha + (p-1)/p n beta}. */
    public static double halvingHalf(int p, double n, LinkCost c) {
        return p <= 1 ? 0 : log2(p) * c.alphaSeconds() + (p - 1.0) / p * n * c.betaSecondsPerByte();
    }

    /** Folding a non-power-of-two group in and out: two whole-vector messages, 0 for powers of two. */
    public static double fold(int p, double n, LinkCost c) {
        return Integer.bitCount(p) == 1 ? 0 : 2 * c.seconds(n);
    }

    public static double ringAllReduce(int p, double n, LinkCost c) {
        return 2 * ringHalf(p, n, c);
    }

    public static double halvingDoublingAllReduce(int p, double n, LinkCost c) {
        int core = Integer.highestOneBit(Math.max(p, 1));
        return fold(p, n, c) + 2 * halvingHalf(core, n, c);
    }

    /** {@code log2 p} whole-vector exchanges. */
    public static double recursiveDoublingAllReduce(int p, double n, LinkCost c) {
        int core = Integer.highestOneBit(Math.max(p, 1));
        return fold(p, n, c) + log2(core) * c.seconds(n);
    }
}
