package io.embark.embedding.train;

import io.embark.allreduce.Cancellation;
import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.progress.ProgressFormat;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.progress.ProgressTimer;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains embeddings on an imported graph, one bucket at a time, one checkpoint version per epoch.
 *
 * <p>Per epoch: the buckets of the P x P grid in {@link TrainingConfig#bucketOrder()}; for each, its tables are made
 * resident ({@link PartitionCache}), its edges (read and shuffled in the background while the previous bucket
 * trained) are trained by {@link HogwildTrainer}, and the next bucket's tables and edges start loading. At the end
 * of the epoch every table, the relation parameters and the stats are committed as a new checkpoint version.
 * A run that finds a committed checkpoint continues after its last epoch, provided the model config and the
 * dataset's shape match; otherwise it refuses, naming the differing keys. While an epoch runs, a
 * {@link ProgressTimer} logs the edges done, the rate and the epoch's ETA every interval ({@link EpochProgress}); each
 * bucket also logs a line when it ends.
 *
 * <p>Knows nothing of Spark: a Spark task, a command-line main or a test calls {@link #train}.
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

    /** As above, with the progress lines of each epoch going to {@code progress}. */
    public static List<EpochStats> train(ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                         CheckpointStore checkpoints, EpochEvaluator evaluator, ProgressLog progress)
            throws IOException {
        RunStart start = RunStart.of(graph, model, training, checkpoints);
        try {
            return train(start, graph, model, training, checkpoints, evaluator, progress);
        } catch (DamagedCheckpointException e) {
            throw RunStart.explain(checkpoints, e);
        }
    }

    private static List<EpochStats> train(RunStart start, ImportedGraph graph, ModelConfig model, TrainingConfig training,
                                          CheckpointStore checkpoints, EpochEvaluator evaluator, ProgressLog progress)
            throws IOException {
        List<EpochStats> stats = new ArrayList<>(start.stats());
        if (start.finished(training)) {
            return stats;
        }
        TrainingSchema schema = start.schema();
        Map<String, String> compatibility = start.compatibility();
        Map<String, String> config = start.config();
        Optional<Integer> latest = start.latest();
        int startEpoch = start.startEpoch();
        RelationParameters relations = RunStart.relations(schema, model, checkpoints, latest);

        String split = DatasetLayout.TRAIN;
        long edgesPerEpoch = graph.manifest().split(split).edges();
        StepSettings settings = StepSettings.of(model, training);
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "embark-prefetch");
            t.setDaemon(true);
            return t;
        });
        PartitionCache cache = new PartitionCache(schema, loader);
        long runStart = System.nanoTime();
        long runEdges = 0;
        try (HogwildTrainer hogwild = new HogwildTrainer(schema, relations, settings, training.negatives(), training.threads(),
                training.seed())) {
            for (int epoch = startEpoch; epoch < training.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                hogwild.startEpoch(training.seed(), epoch);
                List<Bucket> order = epochOrder(graph, schema, training, epoch);
                // the first epoch's plan includes reading and checking the bucket index: what opening a dataset costs
                LOG.log(Level.INFO, String.format("epoch %d/%d planned: %,d non-empty buckets of %,d in %.3f s", epoch + 1, training.epochs(),
                        order.size(), (long) schema.lhsPartitions() * schema.rhsPartitions(), (System.nanoTime() - epochStart) / 1e9));
                final int ep = epoch;
                double epochLoss = 0;
                long epochEdges = 0;
                EpochProgress epochProgress = new EpochProgress("epoch " + (epoch + 1) + "/" + training.epochs(), "the epoch",
                        edgesPerEpoch, hogwild::edgesTrained, System::nanoTime);
                try (CheckpointStore.EpochWriter writer = checkpoints.begin(epoch + 1, latest,
                        (type, part) -> initialTable(schema, model, training, type, part));
                     ProgressTimer timer = ProgressTimer.start(progress, Trainer.class.getName(), "embark-progress-train",
                             epochProgress::line)) {
                    cache.useStore(writer);
                    Future<EdgeBlock> nextEdges = order.isEmpty() ? null
                            : loader.submit(() -> readShuffled(graph, split, order.get(0), training.seed(), ep));
                    for (int k = 0; k < order.size(); k++) {
                        Bucket bucket = order.get(k);
                        epochProgress.at("bucket " + bucket + " " + (k + 1) + "/" + order.size());
                        long t0 = System.nanoTime();
                        Map<String, EmbeddingTable> tables = cache.acquire(bucket);
                        EdgeBlock edges = Loads.await(nextEdges, null, Cancellation.NEVER, "reading edges");
                        if (k + 1 < order.size()) {
                            Bucket next = order.get(k + 1);
                            cache.prefetch(next);
                            nextEdges = loader.submit(() -> readShuffled(graph, split, next, training.seed(), ep));
                        }
                        HogwildTrainer.BucketResult r = hogwild.train(bucket, edges, tables);
                        double secs = (System.nanoTime() - t0) / 1e9;
                        epochLoss += r.loss();
                        epochEdges += r.edges();
                        runEdges += r.edges();
                        double rate = runEdges / ((System.nanoTime() - runStart) / 1e9);
                        long remaining = (training.epochs() - epoch - 1) * edgesPerEpoch + (edgesPerEpoch - epochEdges);
                        LOG.log(Level.INFO, String.format("epoch %d/%d bucket %d/%d %s: %,d edges in %.1f s (%,.0f edges/s), loss %.4f/edge, ETA %s",
                                epoch + 1, training.epochs(), k + 1, order.size(), bucket, r.edges(), secs, r.edges() / secs,
                                r.edges() == 0 ? 0 : r.loss() / r.edges(), ProgressFormat.duration(remaining / Math.max(rate, 1e-9))));
                    }
                    epochProgress.at("saving checkpoint v" + (epoch + 1));
                    cache.saveAll();
                    LOG.log(Level.INFO, String.format("epoch %d/%d %s", epoch + 1, training.epochs(), cache.takeIoSummary()));
                    double secs = (System.nanoTime() - epochStart) / 1e9;
                    EpochStats es = new EpochStats(epoch + 1, epochEdges, epochEdges == 0 ? 0 : epochLoss / epochEdges, secs,
                            epochEdges / secs, order.size());
                    stats.add(es);
                    writer.commit(schema.allTables(), relations, epoch + 1, config, compatibility, stats);
                    latest = Optional.of(epoch + 1);
                } catch (IOException | RuntimeException e) {
                    cache.clear();
                    throw e;
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
        } finally {
            loader.shutdownNow();
        }
        return stats;
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

    /** The non-empty train buckets of epoch {@code epoch} in the configured bucket order (seeded by seed and epoch). */
    static List<Bucket> epochOrder(ImportedGraph graph, TrainingSchema schema, TrainingConfig training, int epoch) throws IOException {
        Random orderRandom = new Random(training.seed() * 1_000_003L + epoch);
        List<Bucket> order = new ArrayList<>();
        for (Bucket b : training.bucketOrder().order(schema.lhsPartitions(), schema.rhsPartitions(), orderRandom)) {
            if (graph.bucketEdges(DatasetLayout.TRAIN, b) > 0) {
                order.add(b);
            }
        }
        return order;
    }

    static EdgeBlock readShuffled(ImportedGraph graph, String split, Bucket bucket, long seed, int epoch) throws IOException {
        EdgeBlock block = graph.readBucket(split, bucket);
        block.shuffle(new SplittableRandom(seed * 7_919L + epoch * 104_729L + bucket.lhsPartition() * 31L + bucket.rhsPartition()));
        return block;
    }
}
