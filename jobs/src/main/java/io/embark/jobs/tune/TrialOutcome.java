package io.embark.jobs.tune;

import java.io.Serializable;
import java.util.List;

/**
 * What a {@link TrialTask} sends back for one trial and rung: the valid MRR reached, the whole curve so far, the time,
 * and how many epochs it trained now (0 when a rerun found them in the trial's checkpoints); or why it failed.
 *
 * @param id            the trial
 * @param rung          the rung trained
 * @param epochs        the epochs of that rung
 * @param mrr           valid MRR (filtered as {@code eval.filter} says) after {@code epochs} epochs; NaN on failure
 * @param curve         (epoch, valid MRR) of every evaluation in the trial's checkpoints
 * @param seconds       time spent in the task
 * @param epochsTrained epochs trained by this task
 * @param error         null, or one line: why the trial failed
 */
record TrialOutcome(int id, int rung, int epochs, double mrr, List<Trial.CurvePoint> curve, double seconds, int epochsTrained,
                    String error) implements Serializable {

    private static final long serialVersionUID = 1L;

    TrialOutcome {
        curve = List.copyOf(curve);
    }

    static TrialOutcome failed(int id, int rung, int epochs, double seconds, String error) {
        return new TrialOutcome(id, rung, epochs, Double.NaN, List.of(), seconds, 0, error);
    }
}
