package io.embark.jobs.tune;

import java.util.Locale;

/** Where a trial stands in its search. */
enum TrialStatus {
    /** Still to train a rung (the search stopped on its time budget, or has not got there yet). */
    PENDING,
    /** Trained the last rung: {@code training.epochs} epochs. */
    DONE,
    /** Not among the best of a rung: successive halving stopped it there. */
    STOPPED_EARLY,
    /** Training or ranking it failed; the error says why. */
    FAILED;

    /** As {@code trials.json} and the report write it: {@code stopped_early}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static TrialStatus of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
