package io.embark.jobs.train;

import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.train.Trainer;
import io.embark.embedding.train.TrainingLimits;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code train} command: trains the configured model over {@code WORKSPACE/graph}, bucket by bucket, committing
 * a checkpoint per epoch under {@code WORKSPACE/checkpoints}; a rerun resumes from the newest checkpoint, or with
 * {@code training.resume = latest_valid} from the newest that verifies.
 * With {@code training.eval.every} set, the epochs due are evaluated as they finish ({@link SparkValidation}).
 */
public final class TrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private TrainJob() {
    }

    public static List<EpochStats> run(SparkSession spark, JobConfig job) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        refuseOverLimits(job, graph, false);
        Path ckpt = new Path(job.checkpointDir());
        CheckpointStore store = new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
        discardIfStale(job, graph, store);
        List<EpochStats> stats = Trainer.train(graph, job.model(), job.training(), store, SparkValidation.of(spark, job, graph),
                job.progress().log());
        if (!stats.isEmpty()) {
            EpochStats last = stats.get(stats.size() - 1);
            LOG.info("train: {} epoch(s) in {}; last epoch: loss {}, {} edges/s", stats.size(), ckpt,
                    String.format("%.4f", last.loss()), String.format("%,.0f", last.edgesPerSecond()));
        }
        return stats;
    }

    /**
     * Refuses, as a config error (one line), a run that would break a size limit of {@link TrainingLimits}: the
     * trainer would refuse it too, with the same message, but as an internal error.
     */
    static void refuseOverLimits(JobConfig job, ImportedGraph graph, boolean distributed) throws IOException {
        try {
            TrainingLimits.check(graph, job.model(), job.training(), distributed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * With {@code training.overwrite = true}, discards checkpoints that cannot be resumed with this graph and config
     * (a re-import, another model) so that training starts over; otherwise the trainer refuses them by key.
     */
    static void discardIfStale(JobConfig job, ImportedGraph graph, CheckpointStore store) throws IOException {
        if (!job.checkpoints().overwrite()) {
            return;
        }
        List<String> diffs = Trainer.incompatibilities(graph, job.model(), job.training(), store);
        if (!diffs.isEmpty()) {
            int n = store.discardAll();
            LOG.warn("training.overwrite = true: discarded {} checkpoint version(s) in {} that cannot be resumed ({}); "
                    + "training starts over", n, store.root(), String.join("; ", diffs));
        }
    }
}
