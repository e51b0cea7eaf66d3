package io.embark.jobs.tune;

import io.embark.jobs.config.TuneConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a search will try, fixed before anything trains: the trials' values ({@link LatinHypercube}) and the rungs'
 * epochs ({@link SuccessiveHalving}). The same config gives the same plan, which is how a resumed search finds its
 * trials again.
 *
 * @param trials  trial i's value of every dimension, by key
 * @param rungs   the epochs each rung trains to, the last {@code training.epochs}
 */
record SearchPlan(List<Map<String, String>> trials, List<Integer> rungs) {

    SearchPlan {
        trials = trials.stream().map(t -> Collections.unmodifiableMap(new LinkedHashMap<>(t))).toList();
        rungs = List.copyOf(rungs);
    }

    static SearchPlan of(TuneConfig tune, int epochs) {
        return new SearchPlan(LatinHypercube.sample(tune.space(), tune.trials(), tune.seed()),
                SuccessiveHalving.rungEpochs(tune.minEpochs(), tune.reduction(), epochs));
    }
}
