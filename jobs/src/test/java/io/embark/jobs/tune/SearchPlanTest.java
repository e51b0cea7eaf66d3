package io.embark.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.config.SearchDimension;
import io.embark.jobs.config.SearchDimension.Scale;
import io.embark.jobs.config.TuneConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The plan of a search without Spark: Latin-hypercube sampling, the rungs, who survives a rung, the tune section. */
class SearchPlanTest {

    private static final SearchDimension LR = new SearchDimension.Range("training.learningRate", 0.001, 1, Scale.LOG, false);
    private static final SearchDimension MARGIN = new SearchDimension.Range("training.margin", 0, 2, Scale.LINEAR, false);
    private static final SearchDimension DIM = new SearchDimension.Range("model.dimension", 8, 64, Scale.LINEAR, true);
    private static final SearchDimension OP = new SearchDimension.Choice("model.relation.operator", List.of("diagonal", "complex_diagonal", "translation"));

    @Test
    void every_stratum_of_every_numeric_dimension_holds_exactly_one_trial() {
        int n = 10;
        List<Map<String, String>> s = LatinHypercube.sample(List.of(LR, MARGIN), n, 7);
        assertEquals(n, s.size());
        TreeSet<Integer> lrStrata = new TreeSet<>();
        TreeSet<Integer> marginStrata = new TreeSet<>();
        for (Map<String, String> t : s) {
            double lr = Double.parseDouble(t.get("training.learningRate"));
            double margin = Double.parseDouble(t.get("training.margin"));
            assertTrue(lr >= 0.001 && lr <= 1 && margin >= 0 && margin <= 2, t.toString());
            // log range [1e-3, 1] in 10 strata: stratum = floor(10 * (log lr - log 1e-3) / (log 1 - log 1e-3))
            lrStrata.add((int) Math.floor(n * (Math.log(lr) - Math.log(0.001)) / (0 - Math.log(0.001))));
            marginStrata.add((int) Math.floor(n * margin / 2));
        }
        assertEquals(n, lrStrata.size(), "log strata " + lrStrata);
        assertEquals(n, marginStrata.size(), "linear strata " + marginStrata);
        assertEquals(0, lrStrata.first());
        assertEquals(n - 1, lrStrata.last());
    }

    @Test
    void a_log_range_spreads_over_orders_of_magnitude_not_over_its_top_decade() {
        List<Map<String, String>> s = LatinHypercube.sample(List.of(LR), 30, 1);
        long belowOneHundredth = s.stream().filter(t -> Double.parseDouble(t.get("training.learningRate")) < 0.01).count();
        // a third of the log range lies below 0.01 (a linear draw would put 1% there): 10 of 30 trials
        assertEquals(10, belowOneHundredth);
    }

    @Test
    void integer_ranges_draw_integers_covering_the_range_and_choices_come_in_equal_shares() {
        List<Map<String, String>> s = LatinHypercube.sample(List.of(DIM, OP), 57, 3);
        Map<String, Integer> ops = new HashMap<>();
        TreeSet<Integer> dims = new TreeSet<>();
        for (Map<String, String> t : s) {
            dims.add(Integer.parseInt(t.get("model.dimension")));
            ops.merge(t.get("model.relation.operator"), 1, Integer::sum);
        }
        assertEquals(8, dims.first());
        assertEquals(64, dims.last());
        assertEquals(57, dims.size(), "57 strata over the 57 integers 8..64: each integer once");
        assertEquals(Map.of("diagonal", 19, "complex_diagonal", 19, "translation", 19), ops);
        // an integer log range: every value is an integer within it
        SearchDimension batch = new SearchDimension.Range("training.batchSize", 1, 1000, Scale.LOG, true);
        for (Map<String, String> t : LatinHypercube.sample(List.of(batch), 20, 5)) {
            int b = Integer.parseInt(t.get("training.batchSize"));
            assertTrue(b >= 1 && b <= 1000, t.toString());
        }
    }

    @Test
    void the_same_seed_draws_the_same_trials_and_another_seed_others() {
        List<SearchDimension> space = List.of(LR, MARGIN, DIM, OP);
        assertEquals(LatinHypercube.sample(space, 12, 42), LatinHypercube.sample(space, 12, 42));
        assertNotEquals(LatinHypercube.sample(space, 12, 42), LatinHypercube.sample(space, 12, 43));
    }

    @Test
    void rungs_multiply_by_the_reduction_up_to_the_epochs() {
        assertEquals(List.of(1, 3, 9, 10), SuccessiveHalving.rungEpochs(1, 3, 10));
        assertEquals(List.of(2, 4, 8), SuccessiveHalving.rungEpochs(2, 2, 8));
        assertEquals(List.of(5), SuccessiveHalving.rungEpochs(5, 3, 5));
        assertEquals(List.of(4), SuccessiveHalving.rungEpochs(7, 3, 4), "minEpochs above the epochs: one rung, no early stopping");
    }

    @Test
    void a_rung_keeps_the_best_share_ties_to_the_lower_id_and_never_a_failed_trial() {
        Map<Integer, Double> scores = new HashMap<>();
        scores.put(0, 0.10);
        scores.put(1, 0.30);
        scores.put(2, 0.20);
        scores.put(3, 0.30);
        scores.put(4, 0.05);
        scores.put(5, Double.NaN);
        // 6 trials, reduction 3: keep 2; trials 1 and 3 tie at the top
        assertEquals(List.of(1, 3), SuccessiveHalving.survivors(scores, 3));
        // reduction 2: keep 3: 1 and 3, then 2
        assertEquals(List.of(1, 2, 3), SuccessiveHalving.survivors(scores, 2));
        // a tie at the cut: 1 and 3 tie for the single place; the lower id goes on
        assertEquals(List.of(1), SuccessiveHalving.survivors(scores, 4));
        // fewer trials than the reduction: still one goes on
        assertEquals(List.of(2), SuccessiveHalving.survivors(Map.of(2, 0.4, 7, 0.1), 3));
        // all failed: none
        assertEquals(List.of(), SuccessiveHalving.survivors(Map.of(0, Double.NaN, 1, Double.NaN), 2));
    }

    @Test
    void participants_follow_the_recorded_results_rung_by_rung() {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            trials.add(Trial.planned(i, Map.of()));
        }
        assertEquals(1, TuneJob.participants(trials, 3, 2).size(), "rung 0 not trained: it is the current one");
        double[] mrr = {0.1, 0.4, 0.3, 0.2};
        for (int i = 0; i < 4; i++) {
            trials.set(i, trials.get(i).after(new TrialOutcome(i, 0, 1, mrr[i], List.of(), 1, 1, null)));
        }
        List<java.util.Set<Integer>> p = TuneJob.participants(trials, 3, 2);
        assertEquals(List.of(1, 2), new ArrayList<>(p.get(1)));
        trials.set(1, trials.get(1).after(TrialOutcome.failed(1, 1, 2, 1, "diverged")));
        trials.set(2, trials.get(2).after(new TrialOutcome(2, 1, 2, 0.35, List.of(), 1, 1, null)));
        p = TuneJob.participants(trials, 3, 2);
        assertEquals(List.of(2), new ArrayList<>(p.get(2)), "the failed trial does not go on");
        assertEquals(Optional.of(2), TuneJob.best(trials).map(Trial::id), "the best of the highest rung reached");
    }

    @Test
    void the_tune_section_reads_the_space_and_refuses_bad_dimensions_naming_the_key() {
        JobConfig job = config("tune.space.training.learningRate.log = [0.001, 1]",
                "tune.space.model.dimension.range = [8, 64]", "tune.space.model.relation.operator.choice = [diagonal, complex_diagonal]");
        TuneConfig t = job.tune();
        assertEquals(List.of(LR, new SearchDimension.Range("model.dimension", 8, 64, Scale.LINEAR, true),
                new SearchDimension.Choice("model.relation.operator", List.of("diagonal", "complex_diagonal"))), t.space());
        assertEquals(Optional.empty(), t.maxTime());
        assertEquals(3, t.reduction());

        assertRefused("tune.space.training.learningrate.log: training.learningrate is not a config key (did you mean training.learningRate?)",
                "tune.space.training.learningrate.log = [0.01, 1]");
        assertRefused("tune.space.training.learningRate.log: [0, 1] (expected [low, high] with 0 < low <= high)",
                "tune.space.training.learningRate.log = [0, 1]");
        assertRefused("tune.space.training.margin.between: expected tune.space.KEY.log", "tune.space.training.margin.between = [0, 1]");
        assertRefused("tune.space.data.format.choice: 'data.format' is not a training or model key", "tune.space.data.format.choice = [tsv]");
        assertRefused("tune.space.training.epochs.range: the search sets training.epochs itself", "tune.space.training.epochs.range = [1, 9]");
        assertRefused("tune.space.training.margin.range: training.margin is searched twice",
                "tune.space.training.margin.choice = [1]", "tune.space.training.margin.range = [0, 1]");
        assertRefused("tune.reduction: '1' (expected between 2 and 1000)", "tune.reduction = 1");
    }

    private static JobConfig config(String... lines) {
        return JobConfig.read(ConfigLoader.fromText(String.join("\n", lines), "t.conf", List.of()));
    }

    private static void assertRefused(String start, String... lines) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(lines));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
