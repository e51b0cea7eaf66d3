package io.embark.embedding.eval;

/**
 * Link-prediction metrics over a set of rankings (one ranking = one edge with one side hidden).
 *
 * <p>The rank of the true entity is the <em>realistic</em> rank: the mean of the optimistic rank (1 + candidates scored
 * strictly higher) and the pessimistic rank (1 + candidates scored higher or equal), that is
 * {@code 1 + greater + equal / 2}. A model that scores every candidate alike therefore gets the middle rank, not rank 1.
 * Hits@k counts rankings whose realistic rank is at most k (a tie between two candidates for the top, rank 1.5, is not
 * a Hit@1).
 *
 * <p>AUC is, per ranking, the fraction of (positive, negative candidate) pairs ordered correctly, a tie counting one
 * half: {@code (lower + equal / 2) / negatives = 1 - (rank - 1) / negatives}; the metric is its mean over rankings (as
 * PyTorch-BigGraph reports it: positive versus its own negatives, not a global ROC curve). A ranking without negatives
 * counts 1.
 *
 * @param count    rankings
 * @param mrr      mean reciprocal rank
 * @param meanRank mean rank
 * @param hitsAt1  fraction of rankings with rank at most 1
 * @param hitsAt3  ... at most 3
 * @param hitsAt10 ... at most 10
 * @param hitsAt50 ... at most 50
 * @param auc      mean fraction of negatives ranked below the positive
 * @param queryAbove fraction of rankings in which the query's own entity (l when ranking the tails of (l, r, ?), t for
 *                 the heads of (?, r, t)) scored strictly above the answer: a diagnostic of models that answer "itself"
 *                 (0 where the query entity is of another type than the answers, is the answer, or is filtered out as
 *                 a true edge; counted whether or not a sampled ranking drew it)
 * @param mrrWithoutQuery the MRR the same scores give with the query's own entity left out of the candidates: how much
 *                 the rankings lose to the model answering "itself", the most that any fix of that alone could gain
 *                 (equal to {@code mrr} where the query entity is never a candidate above the answer)
 */
public record RankingMetrics(long count, double mrr, double meanRank, double hitsAt1, double hitsAt3, double hitsAt10,
                             double hitsAt50, double auc, double queryAbove, double mrrWithoutQuery) {

    /** The rank cut-offs of the Hits@k metrics, in the order of the record's fields. */
    public static final int[] HITS_AT = {1, 3, 10, 50};

    /** The realistic rank of a positive with {@code greater} candidates above it and {@code equal} tied with it. */
    public static double realisticRank(long greater, long equal) {
        return 1 + greater + equal / 2.0;
    }

    @Override
    public String toString() {
        return String.format("MRR %.4f, Hits@1 %.4f, Hits@3 %.4f, Hits@10 %.4f, Hits@50 %.4f, mean rank %.1f, AUC %.4f, "
                + "query entity above the answer %.4f (MRR %.4f without it) over %,d rankings", mrr, hitsAt1, hitsAt3, hitsAt10,
                hitsAt50, meanRank, auc, queryAbove, mrrWithoutQuery, count);
    }
}
