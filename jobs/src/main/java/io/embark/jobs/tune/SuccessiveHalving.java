package io.embark.jobs.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Synchronous successive halving: every trial trains to the first rung's epochs; after each rung, the best 1/reduction
 * of the trials that trained it (at least one) go on to the next rung, which trains reduction times as many epochs,
 * capped at {@code training.epochs}; the others stop early.
 *
 * <p>Example: 9 trials, {@code minEpochs = 1}, {@code reduction = 3}, {@code training.epochs = 10}: rungs at 1, 3, 9
 * and 10 epochs, trained by 9, 3, 1 and 1 trials (the last rung finishes the winner's epochs).
 */
final class SuccessiveHalving {

    private SuccessiveHalving() {
    }

    /** The epochs each rung trains to: minEpochs, minEpochs * reduction, ..., up to and ending with maxEpochs. */
    static List<Integer> rungEpochs(int minEpochs, int reduction, int maxEpochs) {
        List<Integer> rungs = new ArrayList<>();
        long e = Math.min(minEpochs, maxEpochs);
        rungs.add((int) e);
        while (e < maxEpochs) {
            e = Math.min(e * reduction, maxEpochs);
            rungs.add((int) e);
        }
        return rungs;
    }

    /**
     * The trials that go on to the next rung, by id: the best {@code max(1, n / reduction)} of the n trials that
     * trained this rung, by score (higher is better); a trial without a finite score (it failed) never goes on. Ties go
     * to the lower id, so that a rerun promotes the same trials.
     */
    static List<Integer> survivors(Map<Integer, Double> scores, int reduction) {
        int keep = Math.max(1, scores.size() / reduction);
        return scores.entrySet().stream()
                .filter(e -> e.getValue() != null && Double.isFinite(e.getValue()))
                .sorted(Comparator.comparing((Map.Entry<Integer, Double> e) -> -e.getValue()).thenComparing(Map.Entry::getKey))
                .limit(keep)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
