package io.embark.embedding.train;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.storage.RelationsFormat;
import io.embark.embedding.storage.SharedEpochStore;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The coordinator's side of distributed training: the same epochs, checkpoints and resume rules as {@link Trainer},
 * with each epoch's work done by W workers ({@link RankTrainer}) that an {@link EpochRunner} starts (a Spark barrier
 * stage in {@code jobs}; threads in tests).
 *
 * <p>Per epoch: begin the checkpoint version (a temporary directory), let the runner train every worker's share
 * into an attempt directory inside it, adopt the tables the workers saved and the relation parameters rank 0 left,
 * commit by rename. A runner that retries (a worker died) uses a fresh attempt directory each time and reports the
 * one that completed; nothing of a failed attempt is adopted, so no update is lost or applied twice, and a
 * coordinator that dies leaves only an uncommitted directory that the next run removes.
 */
public final class DistributedTrainer {

    private static final System.Logger LOG = System.getLogger(DistributedTrainer.class.getName());

    /** Where attempt directories live inside a version's temporary directory: {@code _attempt-N}. */
    public static final String ATTEMPT_PREFIX = "_attempt-";

    /** Runs one epoch's work on every worker. */
    public interface EpochRunner {
        /**
         * Trains epoch {@code epoch} (0-based) on every worker; each worker saves into an attempt directory under
         * {@code versionDir} named {@link #ATTEMPT_PREFIX}N and reads tables it does not find there from checkpoint
         * {@code previous} (empty: initialized). {@code history} holds the stats of the epochs before (for adaptive
         * sync periods).
         */
        EpochRun run(int epoch, Path versionDir, Optional<Integer> previous, List<EpochStats> history) throws IOException;
    }

    /** One completed epoch: the attempt directory the workers used and each worker's result, by rank. */
    public record EpochRun(Path attemptDir, List<RankTrainer.RankResult> ranks) {
    }

    private DistributedTrainer() {
    }

    /** The attempt directory for attempt {@code attempt} of a version. */
    public static Path attemptDir(Path versionDir, int attempt) {
        return new Path(versionDir, ATTEMPT_PREFIX + attempt);
    }

    /** The store a worker uses in {@code attemptDir}; initializes tables exactly as {@link Trainer} does. */
    public static SharedEpochStore store(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, Path attemptDir, Optional<Integer> previous) {
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        return new SharedEpochStore(checkpoints, attemptDir, previous,
                (type, part) -> Trainer.initialTable(schema, model, training, type, part));
    }

    /** The relation parameters a worker starts the epoch from: the previous checkpoint's, or fresh ones. */
    public static RelationParameters startingRelations(ImportedGraph graph, ModelConfig model, CheckpointStore checkpoints,
                                                       Optional<Integer> previous) throws IOException {
        return RunStart.relations(new TrainingSchema(graph.manifest(), model), model, checkpoints, previous);
    }

    /** Trains until the newest checkpoint holds {@code training.epochs()} epochs; returns every epoch's stats. */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, EpochRunner runner) throws IOException {
        return train(graph, model, training, checkpoints, runner, EpochEvaluator.NONE);
    }

    /** As {@link #train(ImportedGraph, ModelConfig, TrainingConfig, CheckpointStore, EpochRunner)}, evaluating after each epoch. */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, EpochRunner runner, EpochEvaluator evaluator) throws IOException {
        TrainingLimits.check(graph, model, training, true);
        RunStart resume = RunStart.of(graph, model, training, checkpoints);
        try {
            return train(resume, graph, model, training, checkpoints, runner, evaluator);
        } catch (DamagedCheckpointException e) {
            throw RunStart.explain(checkpoints, e);
        }
    }

    private static List<EpochStats> train(RunStart resume, ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                          CheckpointStore checkpoints, EpochRunner runner, EpochEvaluator evaluator) throws IOException {
        List<EpochStats> stats = new ArrayList<>(resume.stats());
        if (resume.finished(training)) {
            return stats;
        }
        TrainingSchema schema = resume.schema();
        Optional<Integer> latest = resume.latest();
        FileSystem fs = checkpoints.fileSystem();
        for (int epoch = resume.startEpoch(); epoch < training.epochs(); epoch++) {
            long start = System.nanoTime();
            final Optional<Integer> previous = latest;
            try (CheckpointStore.EpochWriter writer = checkpoints.begin(epoch + 1, previous,
                    (type, part) -> Trainer.initialTable(schema, model, training, type, part))) {
                EpochRun run = runEpoch(runner, epoch, writer.directory(), previous, stats, checkpoints);
                long edges = 0;
                double loss = 0;
                int buckets = 0;
                for (RankTrainer.RankResult r : run.ranks()) {
                    edges += r.edges();
                    loss += r.loss();
                    buckets += r.buckets();
                }
                // a worker stops on a non-finite chunk loss itself; this catches a sum that overflowed on the way here
                if (!Double.isFinite(loss)) {
                    throw new NonFiniteLossException(String.format("epoch %d: the workers' summed loss is %s; checkpoint v%d was "
                            + "not written (lower training.learningRate, or check the edge weights)", epoch + 1, loss, epoch + 1));
                }
                int adopted = writer.adopt(run.attemptDir());
                RelationParameters relations = readRelations(fs, new Path(run.attemptDir(), RankTrainer.RELATIONS));
                for (FileStatus st : fs.listStatus(writer.directory())) {
                    if (st.getPath().getName().startsWith(ATTEMPT_PREFIX)) {
                        fs.delete(st.getPath(), true);
                    }
                }
                double secs = (System.nanoTime() - start) / 1e9;
                stats.add(new EpochStats(epoch + 1, edges, edges == 0 ? 0 : loss / edges, secs, edges / secs, buckets));
                writer.commit(schema.allTables(), relations, epoch + 1, resume.config(), resume.compatibility(), stats);
                latest = Optional.of(epoch + 1);
                logEpoch(epoch, training.epochs(), edges, secs, adopted, run.ranks());
            }
            Trainer.evaluate(evaluator, epoch + 1, checkpoints, stats);
            Map<String, Double> metrics = stats.get(stats.size() - 1).metrics();
            if (!metrics.isEmpty()) {
                LOG.log(Level.INFO, String.format("epoch %d/%d eval: %s", epoch + 1, training.epochs(), EpochEvaluator.describe(metrics)));
            }
            checkpoints.prune(training.keepCheckpoints());
            checkpoints.writeStats(stats);
        }
        return stats;
    }

    /**
     * Runs one epoch on the workers; when it fails on a file of checkpoint {@code previous} that does not verify (a
     * worker's refusal reaches here only as text), refuses naming the file and the version to resume instead.
     */
    private static EpochRun runEpoch(EpochRunner runner, int epoch, Path versionDir, Optional<Integer> previous, List<EpochStats> stats,
                                     CheckpointStore checkpoints) throws IOException {
        try {
            return runner.run(epoch, versionDir, previous, List.copyOf(stats));
        } catch (Exception e) { // also SparkException, which Scala throws undeclared
            Optional<DamagedCheckpointException> damage = checkpoints.damageBehind(e,
                    previous.map(OptionalInt::of).orElse(OptionalInt.empty()), RunStart.RESUME_OLDER);
            if (damage.isPresent()) {
                throw damage.get();
            }
            throw e;
        }
    }

    /**
     * The AdaComm-style sync period for the next epoch: {@code base * sqrt(loss(last) / loss(first))}, at least
     * {@code min}; {@code base} for the first epoch. Workers sync rarely while the loss is high and the model moves
     * fast, more often as it settles (Wang and Joshi, "Adaptive Communication Strategies", MLSys 2019).
     */
    public static long adaptivePeriod(long base, long min, List<EpochStats> history) {
        if (history.isEmpty() || history.get(0).loss() <= 0) {
            return base;
        }
        double ratio = history.get(history.size() - 1).loss() / history.get(0).loss();
        return Math.max(min, Math.min(base, (long) Math.ceil(base * Math.sqrt(Math.max(0, ratio)))));
    }

    private static RelationParameters readRelations(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) {
            throw new IOException(p + ": missing (rank 0 writes the synced relation parameters there at the end of an epoch)");
        }
        return RelationsFormat.read(fs, p);
    }

    private static void logEpoch(int epoch, int epochs, long edges, double secs, int adopted, List<RankTrainer.RankResult> ranks) {
        double compute = 0;
        double io = 0;
        double sync = 0;
        double barrier = 0;
        double total = 0;
        for (RankTrainer.RankResult r : ranks) {
            compute += r.computeSeconds();
            io += r.ioWaitSeconds();
            sync += r.syncSeconds();
            barrier += r.barrierSeconds();
            total += r.seconds();
        }
        LOG.log(Level.INFO, String.format("epoch %d/%d done on %d workers: %,d edges in %.1f s (%,.0f edges/s), %d tables; "
                        + "worker time: compute %.0f%%, I/O wait %.0f%%, sync %.0f%%, barrier %.0f%%", epoch + 1, epochs,
                ranks.size(), edges, secs, edges / secs, adopted, pct(compute, total), pct(io, total), pct(sync, total),
                pct(barrier, total)));
    }

    private static double pct(double part, double total) {
        return total <= 0 ? 0 : 100 * part / total;
    }
}
