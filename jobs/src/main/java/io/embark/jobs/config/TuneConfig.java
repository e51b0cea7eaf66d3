package io.embark.jobs.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Section {@code tune}: the hyperparameter search of {@code embark tune}. Up to {@code trials} configs are drawn from
 * {@code space} (Latin hypercube over the numeric dimensions, choices in equal shares, all from {@code seed}), trained
 * by successive halving: every trial to {@code minEpochs} epochs, then the best 1/{@code reduction} of them by valid
 * MRR on to {@code minEpochs * reduction} epochs, and so on up to {@code training.epochs}. Trials run as Spark tasks,
 * {@code parallel} at a time, each in its own directory under {@code output}.
 *
 * @param output     the search's directory: {@code trials.json}, {@code best.conf}, {@code report.html},
 *                   {@code trials/trial-NNN/}
 * @param trials     configs drawn (the most trials the search trains)
 * @param maxTime    no new wave of trials starts once the search has run this long (over all its runs); empty: no limit
 * @param parallel   trials trained at once: the tasks of one Spark job (a wave)
 * @param seed       seed of the sampling
 * @param minEpochs  epochs of the first rung
 * @param reduction  the halving factor: each rung keeps the best 1/reduction of the trials it trained, and trains them
 *                   reduction times as many epochs
 * @param overwrite  discard the output of another search (another space, seed, base config) instead of refusing
 * @param space      the dimensions, by key
 */
public record TuneConfig(String output, int trials, Optional<Duration> maxTime, int parallel, long seed, int minEpochs,
                         int reduction, boolean overwrite, List<SearchDimension> space) implements Serializable {

    /** Keys a dimension may not set: the search sets the epochs per rung, and judges trials by {@code training.eval.*}. */
    private static final Pattern FORBIDDEN = Pattern.compile("training\\.epochs|training\\.eval\\..*|training\\.overwrite");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    public TuneConfig {
        space = List.copyOf(space);
    }

    static TuneConfig read(ConfigReader c, String workspace) {
        Optional<Duration> maxTime = c.optionalString("tune.maxMinutes").filter(s -> !s.trim().equals("none"))
                .map(s -> Duration.ofMillis(Math.round(c.doubleValue("tune.maxMinutes", 0, 0, 1e8) * 60_000)));
        return new TuneConfig(
                c.path("tune.output", workspace + "/tune"),
                c.integer("tune.trials", 16, 1, 100_000),
                maxTime,
                c.integer("tune.parallel", 2, 1, 10_000),
                c.longValue("tune.seed", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                c.integer("tune.minEpochs", 1, 1, 1 << 20),
                c.integer("tune.reduction", 3, 2, 1000),
                c.bool("tune.overwrite", false),
                space(c));
    }

    private static List<SearchDimension> space(ConfigReader c) {
        Map<String, SearchDimension> dims = new LinkedHashMap<>();
        for (String key : c.keysUnder("tune.space")) {
            List<String> values = c.list(key);
            String rest = key.substring("tune.space.".length());
            int dot = rest.lastIndexOf('.');
            String kind = dot < 0 ? "" : rest.substring(dot + 1);
            String target = dot < 0 ? rest : rest.substring(0, dot);
            if (!List.of("log", "range", "choice").contains(kind) || target.isEmpty()) {
                throw new ConfigException(key + ": expected tune.space.KEY.log = [low, high], tune.space.KEY.range = [low, high] "
                        + "or tune.space.KEY.choice = [a, b, ...], KEY a training or model key");
            }
            if (!target.startsWith("training.") && !target.startsWith("model.")) {
                throw new ConfigException(key + ": '" + target + "' is not a training or model key (expected tune.space.training.* or tune.space.model.*)");
            }
            if (FORBIDDEN.matcher(target).matches()) {
                throw new ConfigException(key + ": the search sets " + target + " itself (training.epochs per rung; trials are "
                        + "ranked by training.eval.*), so it cannot be searched");
            }
            if (dims.containsKey(target)) {
                throw new ConfigException(key + ": " + target + " is searched twice (also as tune.space." + target + "."
                        + kindOf(dims.get(target)) + ")");
            }
            dims.put(target, kind.equals("choice") ? choice(key, target, values) : range(key, target, kind, values));
        }
        return new ArrayList<>(dims.values());
    }

    private static SearchDimension choice(String key, String target, List<String> values) {
        if (values.isEmpty()) {
            throw new ConfigException(key + ": empty (expected a list of at least one value: [a, b, ...])");
        }
        return new SearchDimension.Choice(target, values);
    }

    private static SearchDimension range(String key, String target, String kind, List<String> values) {
        String expected = kind.equals("log") ? "[low, high] with 0 < low <= high" : "[low, high] with low <= high";
        if (values.size() != 2) {
            throw new ConfigException(key + ": " + values + " (expected " + expected + ")");
        }
        double low;
        double high;
        try {
            low = Double.parseDouble(values.get(0).trim());
            high = Double.parseDouble(values.get(1).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": " + values + " (expected numbers: " + expected + ")");
        }
        if (!Double.isFinite(low) || !Double.isFinite(high) || !(low <= high) || kind.equals("log") && !(low > 0)) {
            throw new ConfigException(key + ": " + values + " (expected " + expected + ")");
        }
        boolean integer = INTEGER.matcher(values.get(0).trim()).matches() && INTEGER.matcher(values.get(1).trim()).matches();
        return new SearchDimension.Range(target, low, high, kind.equals("log") ? SearchDimension.Scale.LOG : SearchDimension.Scale.LINEAR, integer);
    }

    private static String kindOf(SearchDimension d) {
        return d instanceof SearchDimension.Range r ? (r.scale() == SearchDimension.Scale.LOG ? "log" : "range") : "choice";
    }

    /**
     * Refuses a dimension whose key no section reads, naming the nearest valid key: called once every section has
     * been read, so that {@code reader}'s known keys are all the keys there are.
     */
    void requireKnownKeys(ConfigReader reader) {
        for (SearchDimension d : space) {
            if (!reader.knownKeys().contains(d.key())) {
                String near = reader.nearestKnown(d.key()).filter(k -> k.startsWith("training.") || k.startsWith("model."))
                        .map(k -> " (did you mean " + k + "?)").orElse("");
                throw new ConfigException("tune.space." + d.key() + "." + kindOf(d) + ": " + d.key() + " is not a config key" + near);
            }
        }
    }
}
