package io.embark.jobs.train;

import io.embark.allreduce.transport.TcpTransportConfig;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.train.DistributedEpoch;
import io.embark.embedding.train.EpochRunner;
import io.embark.embedding.train.NonFiniteLossException;
import io.embark.embedding.train.Trainer;
import io.embark.embedding.train.TrainingLoop;
import io.embark.embedding.train.WorkerResult;
import io.embark.jobs.TaskFailures;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.DistributedConfig;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.HadoopConf;
import io.embark.jobs.progress.StageProgress;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.RoundSchedule;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The {@code train} command with {@code distributed.workers} set: one Spark barrier stage per epoch, each task a
 * {@link TrainTask}; the driver only begins and commits checkpoint versions ({@link Trainer}, the coordinator of every
 * run, with this class's {@link EpochRunner}) and never
 * sees embeddings or relation parameters on their way between workers. A failed task fails the stage attempt; Spark
 * reruns the whole stage (a barrier stage is all or nothing) and the rerun starts the epoch again from the last
 * committed checkpoint in a fresh attempt directory (up to {@code spark.stage.maxConsecutiveAttempts} times). While
 * an epoch runs the driver logs, at least every 30 s, the stage attempt it waits for and its tasks running and
 * finished; the workers stop waiting for each other as soon as Spark kills their stage attempt.
 */
public final class DistributedTrainJob {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainJob.class);
    /** The longest the driver stays silent while an epoch runs. */
    static final Duration WAITING_INTERVAL = Duration.ofSeconds(30);

    private DistributedTrainJob() {
    }

    public static List<EpochStats> run(SparkSession spark, JobConfig job) throws IOException {
        DistributedConfig d = job.distributed().orElseThrow();
        SparkContext sc = spark.sparkContext();
        checkCluster(sc, d);
        Configuration conf = sc.hadoopConfiguration();
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        TrainJob.refuseOverLimits(job, graph, true);
        Path ckpt = new Path(job.checkpointDir());
        CheckpointStore checkpoints = new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
        TrainJob.discardIfStale(job, graph, checkpoints);
        RoundSchedule first = TrainingLoop.schedule(graph, job.model(), job.training(), 0, d.workers());
        LOG.info(String.format("train on %d workers: %d rounds per epoch, %.0f%% of worker-rounds busy%s", d.workers(),
                first.rounds(), 100 * first.utilization(),
                first.utilization() < 0.75 ? " (more partitions keep more workers busy: P >= 2 x workers)" : ""));
        byte[] secret = TcpTransportConfig.randomSecret();
        HadoopConf hadoop = HadoopConf.of(conf);
        ProgressLog waitingLog = waitingLog(job.progress().log());
        List<EpochStats> stats;
        try (SparkEpochRunner runner = new SparkEpochRunner(spark, job, d, hadoop, graphDir, ckpt, checkpoints.fileSystem(),
                secret, waitingLog)) {
            stats = Trainer.train(graph, job.model(), job.training(), checkpoints, runner, SparkValidation.of(spark, job, graph));
        }
        if (!stats.isEmpty()) {
            EpochStats last = stats.get(stats.size() - 1);
            LOG.info("train: {} epoch(s) in {} on {} workers; last epoch: loss {}, {} edges/s", stats.size(), ckpt, d.workers(),
                    String.format("%.4f", last.loss()), String.format("%,.0f", last.edgesPerSecond()));
        }
        return stats;
    }

    /** Each epoch as one barrier stage of W {@link TrainTask}s; adopts the tables of the stage attempt that completed. */
    private record SparkEpochRunner(SparkSession spark, JobConfig job, DistributedConfig d, HadoopConf hadoop, Path graphDir,
                                    Path ckpt, FileSystem fs, byte[] secret, ProgressLog waitingLog) implements EpochRunner {

        @Override
        public boolean distributed() {
            return true;
        }

        @Override
        public EpochRun run(int epoch, CheckpointStore.EpochWriter writer, Optional<Integer> previous, List<EpochStats> history)
                throws IOException {
            SparkContext sc = spark.sparkContext();
            Path versionDir = writer.directory();
            long period = d.adaptive() ? DistributedEpoch.adaptivePeriod(d.syncEdges(), d.minSyncEdges(), history) : d.syncEdges();
            TrainTask task = new TrainTask(hadoop, graphDir.toString(), ckpt.toString(), versionDir.toString(), previous,
                    epoch, period, job, secret);
            sc.setJobDescription("embark train: epoch " + (epoch + 1) + " on " + d.workers() + " workers (sync every " + period + " edges)");
            JavaRDD<Integer> ranks = JavaSparkContext.fromSparkContext(sc)
                    .parallelize(IntStream.range(0, d.workers()).boxed().toList(), d.workers());
            ClassTag<WorkerResult> tag = ClassTag$.MODULE$.apply(WorkerResult.class);
            RDD<WorkerResult> out = ranks.rdd().barrier().mapPartitions(new StageFunction(task), false, tag);
            // the shuffle behind repartition(1) makes the barrier stage a map stage: Spark retries a failed barrier map
            // stage as a whole, while a failed barrier result stage aborts the job
            List<WorkerResult> results;
            try (StageProgress waiting = StageProgress.waitingFor(spark, waitingLog,
                    "epoch " + (epoch + 1) + " on " + d.workers() + " workers")) {
                results = new ArrayList<>(JavaRDD.fromRDD(out, tag).repartition(1).collect());
            } catch (Exception e) {
                // a worker's non-finite loss reaches the driver inside Spark's stage failure: pass on its one line
                Optional<String> nonFinite = TaskFailures.message(e, NonFiniteLossException.class);
                if (nonFinite.isPresent()) {
                    throw new NonFiniteLossException(nonFinite.get());
                }
                throw e;
            }
            results.sort(Comparator.comparingInt(WorkerResult::rank));
            int attempt = results.get(0).attempt();
            for (WorkerResult r : results) {
                if (r.attempt() != attempt) {
                    throw new IllegalStateException("workers of one stage report different attempts: " + attempt + " and " + r.attempt());
                }
            }
            if (attempt > 0) {
                LOG.warn("epoch {} completed on stage attempt {}: the earlier attempt(s) failed (a worker or executor was "
                        + "lost) and everything they wrote was discarded", epoch + 1, attempt);
            }
            RelationParameters relations = DistributedEpoch.adopt(writer, DistributedEpoch.attemptDir(versionDir, attempt), fs);
            return new EpochRun(results, relations);
        }
    }

    /**
     * How often the driver says what an epoch waits for: every {@code progress.intervalSeconds}, at least every
     * {@link #WAITING_INTERVAL}, since a stalled epoch (a worker stuck, a stage waiting for slots) is otherwise silent.
     */
    static ProgressLog waitingLog(ProgressLog configured) {
        return configured.interval().compareTo(WAITING_INTERVAL) <= 0 ? configured
                : new ProgressLog(WAITING_INTERVAL, configured.sink());
    }

    /** Refuses what a barrier stage cannot run on, with the reason, instead of letting Spark wait or fail later. */
    static void checkCluster(SparkContext sc, DistributedConfig d) {
        if (sc.conf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new ConfigException("distributed.workers: Spark's barrier stages do not run with dynamic allocation "
                    + "(spark.dynamicAllocation.enabled = true); disable it and give the job at least " + d.workers() + " task slots");
        }
        long deadline = System.nanoTime() + d.registrationSeconds() * 1_000_000_000L;
        int slots = slots(sc);
        while (slots < d.workers() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            slots = slots(sc);
        }
        if (slots < d.workers()) {
            throw new ConfigException("distributed.workers: " + d.workers() + " but the cluster offers " + slots
                    + " task slot(s) after waiting " + d.registrationSeconds() + " s (distributed.registrationSeconds); "
                    + "a barrier stage needs all its tasks running at once: add executors/cores or lower distributed.workers");
        }
    }

    private static int slots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    /** The stage's function, as Spark's Scala API wants it. */
    private static final class StageFunction extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<WorkerResult>>
            implements Serializable {

        private static final long serialVersionUID = 1L;
        private final TrainTask task;

        StageFunction(TrainTask task) {
            this.task = task;
        }

        @Override
        public scala.collection.Iterator<WorkerResult> apply(scala.collection.Iterator<Integer> in) {
            try {
                return CollectionConverters.asScala(task.run(CollectionConverters.asJava(in)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
