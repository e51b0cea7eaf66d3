package io.embark.embedding.train;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.storage.RelationsFormat;
import io.embark.embedding.storage.SharedEpochStore;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How W workers share an epoch through storage, for an {@link EpochRunner} that runs them elsewhere (a Spark barrier
 * stage in {@code jobs}; threads in tests): each worker's {@link TrainingLoop} saves into an attempt directory inside
 * the version being written ({@link SharedEpochStore}), worker 0 leaves the synced relation parameters there, and the
 * runner adopts the attempt that completed ({@link #adopt}).
 *
 * <p>A runner that retries (a worker died) uses a fresh attempt directory each time and adopts only the one that
 * completed; nothing of a failed attempt is adopted, so no update is lost or applied twice, and a coordinator that
 * dies leaves only an uncommitted directory that the next run removes.
 */
public final class DistributedEpoch {

    private static final System.Logger LOG = System.getLogger(DistributedEpoch.class.getName());

    /** Where attempt directories live inside a version's temporary directory: {@code _attempt-N}. */
    public static final String ATTEMPT_PREFIX = "_attempt-";

    /** The file in the attempt directory where worker 0 leaves the synced relation parameters. */
    public static final String RELATIONS = "relations.bin";

    private DistributedEpoch() {
    }

    /** The attempt directory for attempt {@code attempt} of a version. */
    public static Path attemptDir(Path versionDir, int attempt) {
        return new Path(versionDir, ATTEMPT_PREFIX + attempt);
    }

    /** The store a worker uses in {@code attemptDir}; initializes tables exactly as one machine does. */
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

    /**
     * Trains this worker's share of epoch {@code epoch} into {@code attemptDir} and, on worker 0, leaves the synced
     * relation parameters there: what one task of a distributed epoch does once its group is joined.
     */
    public static WorkerResult trainWorker(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                           CheckpointStore checkpoints, Path attemptDir, Optional<Integer> previous,
                                           int epoch, long syncEdges, WorkerGroup group,
                                           ProgressLog progress) throws IOException {
        RelationParameters relations = startingRelations(graph, model, checkpoints, previous);
        try (TrainingLoop loop = new TrainingLoop(graph, model, training, relations, group, progress,
                RunStart.lineage(training, checkpoints, previous))) {
            WorkerResult r = loop.trainEpoch(epoch, store(graph, model, training, checkpoints, attemptDir, previous), syncEdges);
            if (group.rank() == 0) {
                // after the last sync every replica of the relation parameters is the same: one worker writes them
                FileSystem fs = checkpoints.fileSystem();
                RelationsFormat.write(fs, new Path(attemptDir, RELATIONS), relations);
            }
            return r;
        }
    }

    /**
     * Takes over attempt {@code attemptDir} of the version {@code writer} writes: its tables become the version's,
     * the relation parameters worker 0 left are returned, and every attempt directory is removed.
     */
    public static RelationParameters adopt(CheckpointStore.EpochWriter writer, Path attemptDir, FileSystem fs) throws IOException {
        int adopted = writer.adopt(attemptDir);
        Path p = new Path(attemptDir, RELATIONS);
        if (!fs.exists(p)) {
            throw new IOException(p + ": missing (worker 0 writes the synced relation parameters there at the end of an epoch)");
        }
        RelationParameters relations = RelationsFormat.read(fs, p);
        for (FileStatus st : fs.listStatus(writer.directory())) {
            if (st.getPath().getName().startsWith(ATTEMPT_PREFIX)) {
                fs.delete(st.getPath(), true);
            }
        }
        LOG.log(Level.INFO, "adopted {0} tables from {1}", adopted, attemptDir);
        return relations;
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
}
