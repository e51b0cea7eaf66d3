package io.embark.jobs.progress;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The ETA of running stages from their tasks, steady between task completions. An estimate from tasks done over time
 * elapsed grows while no task finishes (the clock runs, the count does not) and drops when a few finish together, so
 * successive lines jumped back and forth. Here an estimate is made only when the set of finished tasks changes; until
 * the next change the ETA counts down with the clock (never below zero), so consecutive lines agree with each other.
 */
final class TaskEta {

    private List<Integer> basis;
    private double etaSeconds;
    private long madeNanos;

    /**
     * The ETA at {@code nowNanos}: {@code estimate} (seconds, from the tasks done so far) when {@code done} (tasks done
     * per running stage) differs from the last call's, else the last estimate less the time since it was made.
     */
    synchronized OptionalDouble at(List<Integer> done, OptionalDouble estimate, long nowNanos) {
        if (estimate.isEmpty()) {
            basis = null;
            return estimate;
        }
        if (!done.equals(basis)) {
            basis = List.copyOf(done);
            etaSeconds = estimate.getAsDouble();
            madeNanos = nowNanos;
        }
        return OptionalDouble.of(Math.max(0, etaSeconds - (nowNanos - madeNanos) / 1e9));
    }
}
