package io.embark.embedding.train;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.progress.ProgressFormat;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Trains embeddings on an imported graph, one checkpoint version per epoch, on one machine or on W workers: the one
 * coordinator of every run. Each epoch's work is done by an {@link EpochRunner} that runs the one
 * {@link TrainingLoop} on its workers ({@link LocalEpochRunner}: one worker in this JVM; a Spark barrier stage in
 * {@code jobs}); the coordinator begins the version, lets the runner train into it, and commits it with the relation
 * parameters and the stats.
 *
 * <p>A run that finds a committed checkpoint continues after its last epoch, provided the model config and the
 * dataset's shape match; otherwise it refuses, naming the differing keys ({@link RunStart}). After each epoch the
 * evaluator runs on the version just committed, old versions are pruned and {@code stats.jsonl} is rewritten.
 *
 * <p>Knows nothing of Spark: a Spark driver, a command-line main or a test calls {@link #train}.
 */
public final class Trainer {

    private static final System.Logger LOG = System.getLogger(Trainer.class.getName());

    private Trainer() {
    }

    /**
     * Trains until {@code training.epochs()} epochs are in the newest checkpoint under {@code checkpoints} and returns
     * the stats of every epoch (those of earlier runs included).
     */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints) throws IOException {
        return train(graph, model, training, checkpoints, EpochEvaluator.NONE);
    }

    /** As {@link #train(ImportedGraph, ModelConfig, TrainingConfig, CheckpointStore)}, evaluating after each epoch. */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, EpochEvaluator evaluator) throws IOException {
        return train(graph, model, training, checkpoints, evaluator, ProgressLog.defaults());
    }

    /** As above on one machine, with the progress lines of each epoch going to {@code progress}. */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, EpochEvaluator evaluator, ProgressLog progress)
            throws IOException {
        try (LocalEpochRunner runner = new LocalEpochRunner(graph, model, training, checkpoints, progress)) {
            return train(graph, model, training, checkpoints, runner, evaluator);
        }
    }

    /** Trains with each epoch's work done by {@code runner}'s workers; returns every epoch's stats. */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, EpochRunner runner, EpochEvaluator evaluator)
            throws IOException {
        RunStart start = RunStart.of(graph, model, training, checkpoints, runner.distributed());
        try {
            return train(start, model, training, checkpoints, runner, evaluator);
        } catch (DamagedCheckpointException e) {
            throw RunStart.explain(checkpoints, e);
        }
    }

    private static List<EpochStats> train(RunStart start, ModelConfig model, TrainingConfig training,
                                          CheckpointStore checkpoints, EpochRunner runner, EpochEvaluator evaluator)
            throws IOException {
        List<EpochStats> stats = new ArrayList<>(start.stats());
        if (start.finished(training)) {
            return stats;
        }
        TrainingSchema schema = start.schema();
        Optional<Integer> latest = start.latest();
        for (int epoch = start.startEpoch(); epoch < training.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            final Optional<Integer> previous = latest;
            try (CheckpointStore.EpochWriter writer = checkpoints.begin(epoch + 1, previous,
                    (type, part) -> initialTable(schema, model, training, type, part))) {
                EpochRunner.EpochRun run = runEpoch(runner, epoch, writer, previous, stats, checkpoints);
                long edges = 0;
                double loss = 0;
                int buckets = 0;
                for (WorkerResult r : run.workers()) {
                    edges += r.edges();
                    loss += r.loss();
                    buckets += r.buckets();
                }
                // a worker stops on a non-finite chunk loss itself; this catches a sum that overflowed on the way here
                if (!Double.isFinite(loss)) {
                    throw new NonFiniteLossException(String.format("epoch %d: the workers' summed loss is %s; checkpoint v%d was "
                            + "not written (lower training.learningRate, or check the edge weights)", epoch + 1, loss, epoch + 1));
                }
                double secs = (System.nanoTime() - epochStart) / 1e9;
                stats.add(new EpochStats(epoch + 1, edges, edges == 0 ? 0 : loss / edges, secs, edges / secs, buckets));
                writer.commit(schema.allTables(), run.relations(), epoch + 1, start.config(), start.compatibility(), stats, start.lineage());
                latest = Optional.of(epoch + 1);
                logWorkers(epoch, training.epochs(), run.workers());
            }
            evaluate(evaluator, epoch + 1, checkpoints, stats);
            checkpoints.prune(training.keepCheckpoints());
            checkpoints.writeStats(stats);
            EpochStats es = stats.get(stats.size() - 1);
            LOG.log(Level.INFO, String.format("epoch %d/%d done: %,d edges in %.1f s (%,.0f edges/s), loss %.4f/edge, %scheckpoint %s, ETA %s",
                    es.epoch(), training.epochs(), es.edges(), es.seconds(), es.edgesPerSecond(), es.loss(),
                    es.metrics().isEmpty() ? "" : EpochEvaluator.describe(es.metrics()) + ", ",
                    checkpoints.versionDir(epoch + 1), ProgressFormat.duration((training.epochs() - epoch - 1) * es.seconds())));
        }
        return stats;
    }

    /**
     * Runs one epoch on the workers; when it fails on a file of checkpoint {@code previous} that does not verify (a
     * remote worker's refusal reaches here only as text), refuses naming the file and the version to resume instead.
     */
    private static EpochRunner.EpochRun runEpoch(EpochRunner runner, int epoch, CheckpointStore.EpochWriter writer,
                                                 Optional<Integer> previous, List<EpochStats> stats, CheckpointStore checkpoints)
            throws IOException {
        try {
            return runner.run(epoch, writer, previous, List.copyOf(stats));
        } catch (DamagedCheckpointException e) {
            throw e;
        } catch (Exception e) { // also SparkException, which Scala throws undeclared
            Optional<DamagedCheckpointException> damage = checkpoints.damageBehind(e,
                    previous.map(OptionalInt::of).orElse(OptionalInt.empty()), RunStart.RESUME_OLDER);
            if (damage.isPresent()) {
                throw damage.get();
            }
            throw e;
        }
    }

    /** Where the workers' time went, when there are several: compute, I/O wait, sync and barrier shares. */
    private static void logWorkers(int epoch, int epochs, List<WorkerResult> workers) {
        if (workers.size() < 2) {
            return;
        }
        double compute = 0;
        double io = 0;
        double sync = 0;
        double barrier = 0;
        double total = 0;
        for (WorkerResult r : workers) {
            compute += r.computeSeconds();
            io += r.ioWaitSeconds();
            sync += r.syncSeconds();
            barrier += r.barrierSeconds();
            total += r.seconds();
        }
        LOG.log(Level.INFO, String.format("epoch %d/%d done on %d workers; worker time: compute %.0f%%, I/O wait %.0f%%, sync %.0f%%, "
                + "barrier %.0f%%", epoch + 1, epochs, workers.size(), pct(compute, total), pct(io, total), pct(sync, total),
                pct(barrier, total)));
    }

    private static double pct(double part, double total) {
        return total <= 0 ? 0 : 100 * part / total;
    }

    /** Runs the evaluator on the version just committed and adds its metrics to that epoch's (the last) stats. */
    static void evaluate(EpochEvaluator evaluator, int version, CheckpointStore checkpoints, List<EpochStats> stats) throws IOException {
        Map<String, Double> metrics = evaluator.afterEpoch(version, checkpoints);
        if (!metrics.isEmpty()) {
            stats.set(stats.size() - 1, stats.get(stats.size() - 1).withMetrics(metrics));
        }
    }

    static void refuseIncompatible(CheckpointInfo info, Map<String, String> now, String where) {
        List<String> diffs = differences(info, now);
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + where + " was trained with an incompatible config; differing keys: "
                    + String.join("; ", diffs) + " (use another checkpoint directory, restore these values, or set "
                    + "training.overwrite = true to discard the checkpoints and start over)");
        }
    }

    /**
     * What keeps the newest checkpoint in {@code checkpoints} from being resumed with this graph and config: one
     * {@code "key: checkpoint A, now B"} per differing compatibility key, or one line saying that it was written before
     * checkpoints carried checksums; empty when there is no checkpoint, it fits, or its info does not verify (the
     * trainer then refuses it by name, or resumes an older one with {@code training.resume = latest_valid}).
     */
    public static List<String> incompatibilities(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                                 CheckpointStore checkpoints) throws IOException {
        Optional<Integer> latest = checkpoints.latestVersion();
        if (latest.isEmpty()) {
            return List.of();
        }
        CheckpointInfo info;
        try {
            info = checkpoints.info(latest.get());
        } catch (DamagedCheckpointException e) {
            return e.unverifiable() ? List.of("checkpoint format: " + e.getMessage()) : List.of();
        }
        return differences(info, RunStart.compatibility(graph, model, training));
    }

    private static List<String> differences(CheckpointInfo info, Map<String, String> now) {
        TreeSet<String> keys = new TreeSet<>(now.keySet());
        keys.addAll(info.compatibility().keySet());
        List<String> diffs = new ArrayList<>();
        for (String k : keys) {
            String a = info.compatibility().get(k);
            String b = now.get(k);
            if (a == null ? b != null : !a.equals(b)) {
                diffs.add(k + ": checkpoint " + (a == null ? "(absent)" : a) + ", now " + (b == null ? "(absent)" : b));
            }
        }
        return diffs;
    }

    static EmbeddingTable initialTable(TrainingSchema schema, ModelConfig model, TrainingConfig training, String type, int partition) {
        long seed = training.seed();
        TrainingSchema.TypeInfo t = schema.type(type);
        SplittableRandom random = new SplittableRandom(seed ^ (type.hashCode() * 0x9E3779B97F4A7C15L) ^ (partition * 0xC2B2AE3D27D4EB4FL));
        return EmbeddingTable.random(type, partition, Math.toIntExact(t.partitionCounts()[partition]), t.dim(), model.initScale(), random,
                training.adagrad() == AdagradMode.ELEMENTWISE);
    }
}
