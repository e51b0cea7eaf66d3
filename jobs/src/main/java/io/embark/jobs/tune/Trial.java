package io.embark.jobs.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One trial of a search as {@code trials.json} records it: its values, the valid MRR it reached at each rung it
 * trained, its curve, and why it failed if it did.
 *
 * @param id      its number in the search; its directory is {@code trials/trial-NNN}
 * @param params  its value of every dimension, by key
 * @param results one per rung trained, in rung order
 * @param curve   (epoch, valid MRR) of every evaluation, over all its rungs
 * @param error   why it failed (then it trains no further)
 * @param seconds time spent training and evaluating it, over all its rungs
 */
record Trial(int id, Map<String, String> params, List<RungResult> results, List<CurvePoint> curve, Optional<String> error,
             double seconds) {

    /** The valid MRR a trial reached at the end of a rung, after {@code epochs} epochs, and that rung's time. */
    record RungResult(int rung, int epochs, double mrr, double seconds) {
    }

    /** One evaluation: the valid MRR after {@code epoch} epochs. */
    record CurvePoint(int epoch, double mrr) implements java.io.Serializable {
    }

    Trial {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        results = List.copyOf(results);
        curve = List.copyOf(curve);
    }

    static Trial planned(int id, Map<String, String> params) {
        return new Trial(id, params, List.of(), List.of(), Optional.empty(), 0);
    }

    /** {@code trials/trial-007}: the trial's directory under the search's output. */
    String dirName() {
        return String.format("trials/trial-%03d", id);
    }

    /** This trial's result at {@code rung}, if it trained it. */
    Optional<RungResult> result(int rung) {
        return results.stream().filter(r -> r.rung() == rung).findFirst();
    }

    /** The highest rung trained, or -1. */
    int rungReached() {
        return results.isEmpty() ? -1 : results.get(results.size() - 1).rung();
    }

    boolean failed() {
        return error.isPresent();
    }

    /** This trial after one more rung: its result (or failure), the curve it trained, the time. */
    Trial after(TrialOutcome o) {
        List<RungResult> r = new ArrayList<>(results);
        if (o.error() == null) {
            r.add(new RungResult(o.rung(), o.epochs(), o.mrr(), o.seconds()));
        }
        // the trainer returns the whole curve (earlier rungs' epochs included), read back from the checkpoints
        List<CurvePoint> c = o.curve().isEmpty() ? curve : o.curve();
        return new Trial(id, params, r, c, Optional.ofNullable(o.error()), seconds + o.seconds());
    }
}
