package io.embark.jobs.tune;

import io.embark.embedding.eval.RankingOptions;
import io.embark.jobs.StageOutput;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.ConfigReader;
import io.embark.jobs.config.ConfigSource;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.config.SearchDimension;
import io.embark.jobs.config.TuneConfig;
import io.embark.jobs.config.ValidationConfig;
import io.embark.jobs.eval.EvalJob;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.AtomicFile;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tune} command: a hyperparameter search over {@code tune.space} on the valid split of
 * {@code WORKSPACE/graph}, by synchronous successive halving ({@link SuccessiveHalving}) over the trials of a
 * {@link SearchPlan}. Each rung's trials run in waves of {@code tune.parallel} Spark tasks ({@link TrialTask}), each in
 * its own directory {@code OUTPUT/trials/trial-NNN}; after every wave {@code OUTPUT/trials.json} records every trial
 * ({@link TrialsFile}), so a killed search, run again, reruns nothing it recorded. At the end (or when
 * {@code tune.maxMinutes} is spent) it writes {@code OUTPUT/best.conf}, the config with the best trial's values, which
 * {@code embark train --config} takes as is, and {@code OUTPUT/report.html}.
 */
public final class TuneJob {

    private static final Logger LOG = LoggerFactory.getLogger(TuneJob.class);
    static final String BEST = "best.conf";
    static final String REPORT = "report.html";

    /** Keys that may change between runs of one search: budgets and speed, not what is searched. */
    private static final Set<String> NOT_IDENTITY = Set.of("tune.maxMinutes", "tune.parallel", "tune.overwrite", "training.threads",
            "progress.intervalSeconds");

    /**
     * What a run of the search did.
     *
     * @param dir           the search's directory
     * @param best          the best trial so far, if any trained
     * @param bestMrr       its valid MRR (NaN without one)
     * @param tasks         trial rungs this run trained (a resumed search: only those not recorded before)
     * @param epochsTrained epochs this run trained, over all trials
     * @param finished      the search is complete (false: stopped by tune.maxMinutes)
     * @param output        what the command prints
     */
    public record Result(String dir, Optional<Integer> best, double bestMrr, int tasks, int epochsTrained, boolean finished,
                         StageOutput output) {
    }

    private TuneJob() {
    }

    /** The records a wave ships to its tasks and back, for Kryo to move by Java serialization (records need their constructor). */
    public static List<Class<?>> kryoRecords() {
        return List.of(TrialTask.Spec.class, TrialOutcome.class);
    }

    /** The arrays of them Spark collects a wave into. */
    public static List<Class<?>> kryoArrays() {
        return List.of(TrialTask.Spec[].class, TrialOutcome[].class);
    }

    public static Result run(SparkSession spark, ConfigSource source, ConfigReader.PathQualifier paths) throws IOException {
        return run(spark, source, paths, Integer.MAX_VALUE);
    }

    /** As {@link #run}, stopping after {@code maxWaves} waves, as a search killed after them would (for the tests). */
    static Result run(SparkSession spark, ConfigSource source, ConfigReader.PathQualifier paths, int maxWaves) throws IOException {
        long runStart = System.nanoTime();
        JobConfig job = source.job(paths, List.of());
        TuneConfig tune = job.tune();
        if (tune.space().isEmpty()) {
            throw new ConfigException("tune.space: empty (expected at least one tune.space.KEY.log = [low, high], "
                    + "tune.space.KEY.range = [low, high] or tune.space.KEY.choice = [a, b, ...])");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        ValidationConfig v = job.validation();
        if (!graph.hasSplit(v.split())) {
            throw new ConfigException("training.eval.split: the dataset in " + job.graphDir() + " has no split '" + v.split()
                    + "', which tune ranks the trials on (it has " + graph.manifest().splits().keySet() + "; set data." + v.split()
                    + " and re-import)");
        }
        EvalJob.requireDrawable(job.eval().candidates(), graph);
        SearchPlan plan = SearchPlan.of(tune, job.training().epochs());
        List<String> fixed = fixedOverrides(spark, job, tune);
        // every trial's config, validated as any config is, before anything trains
        for (int i = 0; i < plan.trials().size(); i++) {
            trialConfig(source, paths, i, plan.trials().get(i), job.training().epochs(), fixed);
        }

        Path out = new Path(tune.output());
        FileSystem fs = out.getFileSystem(conf);
        Map<String, String> identity = identity(job, graph);
        List<Trial> trials = start(fs, out, tune, identity, plan);
        double before = TrialsFile.read(fs, out).map(TrialsFile.Contents::elapsedSeconds).orElse(0.0);
        LOG.info("tune: {} trial(s), rungs at {} epoch(s), {} at a time, in {}", plan.trials().size(), plan.rungs(), tune.parallel(), out);

        TrialTask task = new TrialTask(HadoopConf.of(conf), job.graphDir(),
                new RankingOptions(v.split(), job.eval().filter(), job.eval().candidates()), v.limit(),
                v.enabled() ? v.every() : Integer.MAX_VALUE, job.progress());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int tasks = 0;
        int epochsTrained = 0;
        int waves = 0;
        boolean finished = true;
        while (true) {
            List<Set<Integer>> participants = participants(trials, plan.rungs().size(), tune.reduction());
            int rung = participants.size() - 1;
            List<Integer> todo = participants.get(rung).stream()
                    .filter(id -> trials.get(id).result(rung).isEmpty() && !trials.get(id).failed()).sorted().toList();
            if (todo.isEmpty()) {
                break;
            }
            double elapsed = before + (System.nanoTime() - runStart) / 1e9;
            if (tune.maxTime().isPresent() && elapsed >= tune.maxTime().get().toMillis() / 1000.0 || waves >= maxWaves) {
                finished = false;
                LOG.info("tune: {} after {} s; {} trial rung(s) left; run again with a larger tune.maxMinutes to continue",
                        waves >= maxWaves ? "stopped" : "time budget (tune.maxMinutes) spent", Math.round(elapsed), todo.size());
                break;
            }
            List<Integer> wave = todo.subList(0, Math.min(tune.parallel(), todo.size()));
            List<TrialTask.Spec> specs = new ArrayList<>();
            for (int id : wave) {
                JobConfig t = trialConfig(source, paths, id, plan.trials().get(id), plan.rungs().get(rung), fixed);
                specs.add(new TrialTask.Spec(id, rung, plan.rungs().get(rung), new Path(out, trials.get(id).dirName()).toString(),
                        t.model(), t.training()));
            }
            spark.sparkContext().setJobDescription("tune: rung " + rung + " (" + plan.rungs().get(rung) + " epochs), trials " + wave);
            List<TrialOutcome> outcomes = jsc.parallelize(specs, specs.size()).map(task::run).collect();
            spark.sparkContext().setJobDescription(null);
            for (TrialOutcome o : outcomes) {
                trials.set(o.id(), trials.get(o.id()).after(o));
                tasks++;
                epochsTrained += o.epochsTrained();
            }
            waves++;
            write(fs, out, identity, plan, trials, tune, before + (System.nanoTime() - runStart) / 1e9);
        }
        TrialsFile.Contents contents = write(fs, out, identity, plan, trials, tune, before + (System.nanoTime() - runStart) / 1e9);
        if (contents.best().isPresent()) {
            Trial best = trials.get(contents.best().get());
            Trial.RungResult r = contents.bestResult().orElseThrow();
            AtomicFile.write(fs, new Path(out, BEST), source.withValues(best.params(), String.format(Locale.ROOT,
                    "embark tune: trial %d, the best of %d (valid MRR %.4f after %d epochs), search in %s", best.id(),
                    trials.size(), r.mrr(), r.epochs(), out)));
        }
        AtomicFile.write(fs, new Path(out, REPORT), TuneReport.html(contents, out.toString()));
        contents.best().ifPresentOrElse(
                b -> LOG.info("tune: best trial {} (valid MRR {} after {} epochs): {}; {} and {} in {}", b,
                        String.format("%.4f", contents.bestResult().get().mrr()), contents.bestResult().get().epochs(),
                        trials.get(b).params(), BEST, REPORT, out),
                () -> LOG.warn("tune: no trial finished a rung; see {}", TrialsFile.path(out)));
        return new Result(out.toString(), contents.best(), contents.bestResult().map(Trial.RungResult::mrr).orElse(Double.NaN), tasks,
                epochsTrained, finished, new StageOutput(table(contents), json(contents, out)));
    }

    /**
     * The trials of the search in {@code out}: those recorded in its {@code trials.json} when it holds this very search,
     * else the plan's, in a fresh directory. Another search's output (or any other non-empty directory) is refused,
     * naming what differs, unless {@code tune.overwrite = true}, which discards it.
     */
    private static List<Trial> start(FileSystem fs, Path out, TuneConfig tune, Map<String, String> identity, SearchPlan plan)
            throws IOException {
        Optional<TrialsFile.Contents> stored;
        try {
            stored = TrialsFile.read(fs, out);
        } catch (IOException e) {
            if (!tune.overwrite()) {
                throw e;
            }
            stored = Optional.empty();
        }
        if (stored.isPresent() && stored.get().search().equals(identity) && stored.get().trials().size() == plan.trials().size()) {
            LOG.info("tune: resuming the search in {}: {} trial rung(s) recorded", out,
                    stored.get().trials().stream().mapToInt(t -> t.results().size()).sum());
            return new ArrayList<>(stored.get().trials());
        }
        boolean occupied = fs.exists(out) && fs.listStatus(out).length > 0;
        if (occupied && !tune.overwrite()) {
            String why = stored.isPresent() ? "another search (differing keys: " + differences(stored.get().search(), identity) + ")"
                    : "files that are not a search's (no readable " + TrialsFile.FILE + ")";
            throw new ConfigException("tune.output: " + out + " holds " + why + "; set tune.overwrite = true to discard it, "
                    + "or choose another tune.output");
        }
        if (occupied) {
            LOG.warn("tune.overwrite = true: discarding {}", out);
            fs.delete(out, true);
        }
        fs.mkdirs(out);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < plan.trials().size(); i++) {
            trials.add(Trial.planned(i, plan.trials().get(i)));
        }
        // recorded before any trial trains: a directory of trials without it would not be resumed
        write(fs, out, identity, plan, trials, tune, 0);
        return trials;
    }

    private static String differences(Map<String, String> was, Map<String, String> now) {
        Set<String> keys = new java.util.TreeSet<>(was.keySet());
        keys.addAll(now.keySet());
        return keys.stream().filter(k -> !java.util.Objects.equals(was.get(k), now.get(k)))
                .map(k -> k + ": was " + was.getOrDefault(k, "(absent)") + ", now " + now.getOrDefault(k, "(absent)"))
                .collect(Collectors.joining("; "));
    }

    /**
     * The trials that train each rung, as far as the results decide: rung 0 all of them, rung k + 1 the survivors of
     * rung k once every trial of rung k has its result (or failed). The last element is the rung being trained (or the
     * last rung, when the search is complete).
     */
    static List<Set<Integer>> participants(List<Trial> trials, int rungs, int reduction) {
        List<Set<Integer>> out = new ArrayList<>();
        Set<Integer> current = new LinkedHashSet<>();
        trials.forEach(t -> current.add(t.id()));
        out.add(current);
        for (int k = 0; k + 1 < rungs; k++) {
            Map<Integer, Double> scores = new TreeMap<>();
            for (int id : out.get(k)) {
                Trial t = trials.get(id);
                Optional<Trial.RungResult> r = t.result(k);
                if (r.isEmpty() && !t.failed()) {
                    return out;
                }
                scores.put(id, r.map(Trial.RungResult::mrr).orElse(Double.NaN));
            }
            out.add(new LinkedHashSet<>(SuccessiveHalving.survivors(scores, reduction)));
        }
        return out;
    }

    private static TrialsFile.Contents write(FileSystem fs, Path out, Map<String, String> identity, SearchPlan plan, List<Trial> trials,
                                             TuneConfig tune, double elapsed) throws IOException {
        List<Set<Integer>> participants = participants(trials, plan.rungs().size(), tune.reduction());
        Map<Integer, TrialStatus> statuses = new TreeMap<>();
        for (Trial t : trials) {
            int r = t.rungReached();
            TrialStatus s;
            if (t.failed()) {
                s = TrialStatus.FAILED;
            } else if (r == plan.rungs().size() - 1) {
                s = TrialStatus.DONE;
            } else if (r >= 0 && participants.size() > r + 1 && !participants.get(r + 1).contains(t.id())) {
                s = TrialStatus.STOPPED_EARLY;
            } else {
                s = TrialStatus.PENDING;
            }
            statuses.put(t.id(), s);
        }
        Optional<Trial> best = best(trials);
        TrialsFile.Contents c = new TrialsFile.Contents(identity, plan.rungs(), elapsed, List.copyOf(trials), statuses,
                best.map(t -> t.results().get(t.results().size() - 1)), best.map(Trial::id));
        TrialsFile.write(fs, out, c);
        return c;
    }

    /** The best trial: of those that reached the highest rung any trial reached, the one with the highest valid MRR there. */
    static Optional<Trial> best(List<Trial> trials) {
        int top = trials.stream().mapToInt(Trial::rungReached).max().orElse(-1);
        if (top < 0) {
            return Optional.empty();
        }
        Trial best = null;
        for (Trial t : trials) {
            if (t.rungReached() == top && (best == null || t.result(top).get().mrr() > best.result(top).get().mrr())) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Trial {@code id}'s config for a rung of {@code epochs} epochs; a refused value names the trial and the key. */
    private static JobConfig trialConfig(ConfigSource source, ConfigReader.PathQualifier paths, int id, Map<String, String> params,
                                         int epochs, List<String> fixed) {
        List<String> sets = new ArrayList<>(fixed);
        params.forEach((k, val) -> sets.add(k + "=" + val));
        sets.add("training.epochs=" + epochs);
        try {
            return source.job(paths, sets);
        } catch (ConfigException e) {
            throw new ConfigException("tune.space: trial " + id + " " + params + " is not a valid config: " + e.getMessage());
        }
    }

    /**
     * Settings every trial gets: in local mode, trials share the driver's cores, so unless the config sets
     * {@code training.threads} (or searches it), each trial trains on cores / {@code tune.parallel} threads.
     */
    private static List<String> fixedOverrides(SparkSession spark, JobConfig job, TuneConfig tune) {
        boolean threadsGiven = job.asStrings().containsKey("training.threads")
                || tune.space().stream().map(SearchDimension::key).anyMatch("training.threads"::equals);
        if (!spark.sparkContext().isLocal() || threadsGiven) {
            return List.of();
        }
        int cores = spark.sparkContext().defaultParallelism();
        int threads = Math.max(1, cores / Math.min(tune.parallel(), tune.trials()));
        return List.of("training.threads=" + threads);
    }

    /**
     * What makes a search what it is: the config, all but budgets and speed settings, and the import of the dataset it
     * trains on (a re-import makes the trials' checkpoints unusable, as {@code train} would refuse them).
     */
    private static Map<String, String> identity(JobConfig job, ImportedGraph graph) {
        Map<String, String> m = new TreeMap<>();
        m.put("dataset.importedAt", String.valueOf(graph.manifest().createdAt()));
        job.asStrings().forEach((k, val) -> {
            if (!NOT_IDENTITY.contains(k) && !k.startsWith("spark.")) {
                m.put(k, val);
            }
        });
        return m;
    }

    private static String table(TrialsFile.Contents c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-6s %-14s %5s %7s %10s %9s  %s%n", "trial", "status", "rung",
                "epochs", "valid_mrr", "seconds", "values"));
        for (Trial t : c.trials()) {
            Optional<Trial.RungResult> r = t.results().isEmpty() ? Optional.empty() : Optional.of(t.results().get(t.results().size() - 1));
            sb.append(String.format(Locale.ROOT, "%-6s %-14s %5s %7d %10s %9.1f  %s%s%n",
                    (c.best().equals(Optional.of(t.id())) ? "*" : "") + t.id(), c.statuses().get(t.id()).label(),
                    t.rungReached() < 0 ? "-" : Integer.toString(t.rungReached()), r.map(Trial.RungResult::epochs).orElse(0),
                    r.map(x -> String.format(Locale.ROOT, "%.4f", x.mrr())).orElse("-"), t.seconds(), t.params(),
                    t.error().map(e -> "  error: " + e).orElse("")));
        }
        return sb.toString().stripTrailing();
    }

    private static String json(TrialsFile.Contents c, Path out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", out.toString());
        m.put("trials", c.trials().size());
        m.put("best", c.best().orElse(null));
        m.put("best_mrr", c.bestResult().map(Trial.RungResult::mrr).orElse(null));
        m.put("best_conf", new Path(out, BEST).toString());
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
