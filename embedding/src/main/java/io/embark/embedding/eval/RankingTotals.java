package io.embark.embedding.eval;

import io.embark.partitioning.Side;

/**
 * Sums of ranking results, kept apart by (raw or filtered, predicted side, relation) so that every breakdown comes
 * from one pass: totals merge by adding, which is how the ranking tasks of an evaluation are combined.
 *
 * <p>Stored as one flat {@code double[]} ({@link #sums()}), {@value #FIELDS} values per cell: count, sum of 1/rank,
 * sum of rank, Hits@1, @3, @10, @50 counts, sum of AUC, count of rankings where the query's own entity outranked the
 * answer, sum of 1/rank with the query's own entity left out of the candidates. Cell index {@code ((filtered * 2 + side) * relations + r)}.
 * Example, 2 relations: raw/LHS/r0 is cell 0, raw/RHS/r1 cell 3, filtered/LHS/r0 cell 4.
 */
public final class RankingTotals {

    static final int FIELDS = 10;

    private final int relations;
    private final double[] sums;

    public RankingTotals(int relations) {
        this(relations, new double[4 * relations * FIELDS]);
    }

    private RankingTotals(int relations, double[] sums) {
        this.relations = relations;
        this.sums = sums;
    }

    /** Wraps sums produced by {@link #sums()} of totals with the same relation count. */
    public static RankingTotals of(int relations, double[] sums) {
        if (sums.length != 4 * relations * FIELDS) {
            throw new IllegalArgumentException(sums.length + " sums do not fit " + relations + " relations");
        }
        return new RankingTotals(relations, sums);
    }

    public int relations() {
        return relations;
    }

    /** The flat sums (live, not a copy). */
    public double[] sums() {
        return sums;
    }

    private int cell(boolean filtered, Side predicted, int relation) {
        return (((filtered ? 1 : 0) * 2 + (predicted == Side.LHS ? 0 : 1)) * relations + relation) * FIELDS;
    }

    /**
     * Records one ranking: the realistic {@code rank} of the positive among {@code negatives} other candidates;
     * {@code queryAbove} when the query's own entity (the known side, a candidate when both sides have one type) scored
     * strictly above the positive ({@link RankingMetrics#queryAbove}); {@code rankWithoutQuery} the realistic rank
     * among the same candidates less the query's own entity (equal to {@code rank} where it is not among them).
     */
    public void add(boolean filtered, Side predicted, int relation, double rank, double rankWithoutQuery, long negatives,
                    boolean queryAbove) {
        int c = cell(filtered, predicted, relation);
        sums[c] += 1;
        sums[c + 1] += 1 / rank;
        sums[c + 2] += rank;
        for (int k = 0; k < RankingMetrics.HITS_AT.length; k++) {
            if (rank <= RankingMetrics.HITS_AT[k]) {
                sums[c + 3 + k] += 1;
            }
        }
        sums[c + 7] += negatives == 0 ? 1 : 1 - (rank - 1) / negatives;
        sums[c + 8] += queryAbove ? 1 : 0;
        sums[c + 9] += 1 / rankWithoutQuery;
    }

    /** Adds {@code other} into this. */
    public RankingTotals merge(RankingTotals other) {
        if (other.relations != relations) {
            throw new IllegalArgumentException("totals over " + other.relations + " relations merged into " + relations);
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] += other.sums[i];
        }
        return this;
    }

    /** Both sides, every relation. */
    public RankingMetrics overall(boolean filtered) {
        return metrics(filtered, Side.values(), 0, relations);
    }

    /** One predicted side ({@link Side#LHS}: the lhs was hidden and ranked), every relation. */
    public RankingMetrics side(boolean filtered, Side predicted) {
        return metrics(filtered, new Side[] {predicted}, 0, relations);
    }

    /** Both sides of one relation. */
    public RankingMetrics relation(boolean filtered, int relation) {
        return metrics(filtered, Side.values(), relation, relation + 1);
    }

    private RankingMetrics metrics(boolean filtered, Side[] sides, int fromRelation, int toRelation) {
        double[] s = new double[FIELDS];
        for (Side side : sides) {
            for (int r = fromRelation; r < toRelation; r++) {
                int c = cell(filtered, side, r);
                for (int f = 0; f < FIELDS; f++) {
                    s[f] += sums[c + f];
                }
            }
        }
        double n = s[0];
        if (n == 0) {
            return new RankingMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new RankingMetrics((long) n, s[1] / n, s[2] / n, s[3] / n, s[4] / n, s[5] / n, s[6] / n, s[7] / n, s[8] / n,
                s[9] / n);
    }
}
