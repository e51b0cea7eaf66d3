package io.embark.embedding.train;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ConfigChoice;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.progress.ProgressFormat;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.progress.ProgressTimer;
import io.embark.embedding.storage.CheckpointLineage;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.PartitionStore;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.RoundSchedule;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one training loop: one worker's share of an epoch, for one machine ({@link WorkerGroup#alone()}) and for each
 * of W workers alike. The epoch is a {@link RoundSchedule} that every worker computes alike (with W = 1 it is the
 * bucket order, a bucket per round); the scheduling difference is the schedule, the table traffic is
 * {@link ResidentTables} over the epoch's {@link PartitionStore}, the shared parameters are kept in step by the
 * group's {@link SharedParameterSync} (a no-op for one worker).
 *
 * <p>Per round: wait for this round's tables and edges (most were prefetched while the previous round trained); train
 * the bucket with HOGWILD threads in S slices with a sync after each, where S is the same on every worker (the
 * round's largest bucket divided by the sync period; 1 for one worker), so the collective calls match; save the
 * tables this worker's next bucket does not need; barrier. While a round trains, the next round's edges and the tables
 * that no worker holds this round load in the background. At the end of the epoch every table is saved; one worker
 * keeps them in memory for the next epoch (nobody else can change them), W workers drop them. While the rounds run, a
 * {@link ProgressTimer} logs this worker's edges done of its share of the epoch, the rate and the ETA every interval.
 * Knows nothing of Spark: {@link Trainer}, a Spark task, or a test with threads calls it.
 */
public final class TrainingLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TrainingLoop.class.getName());

    private final ImportedGraph graph;
    private final ModelConfig model;
    private final TrainingConfig training;
    private final TrainingSchema schema;
    private final RelationParameters relations;
    private final WorkerGroup group;
    private final Set<TableKey> shared;
    private final HogwildTrainer hogwild;
    private final ExecutorService loader;
    private final ResidentTables tables;
    private final ProgressLog progress;
    /** The warm start this run continues (its init checkpoint's rows are the known ones); null when from scratch. */
    private final CheckpointLineage lineage;
    /** Whether the known rows and relations stay fixed ({@code training.freeze = existing}). */
    private final boolean freeze;
    /**
     * Whether every table stays in memory between buckets ({@code training.tables}; one machine only): then nothing
     * is saved and read back until the epoch's checkpoint.
     */
    private final boolean keepAll;

    /** As below, logging progress by default. */
    public TrainingLoop(ImportedGraph graph, ModelConfig model, TrainingConfig training, RelationParameters relations,
                        WorkerGroup group) {
        this(graph, model, training, relations, group, ProgressLog.defaults());
    }

    /** A worker of {@code group} that trains {@code relations} (updated in place); progress lines go to {@code progress}. */
    public TrainingLoop(ImportedGraph graph, ModelConfig model, TrainingConfig training, RelationParameters relations,
                        WorkerGroup group, ProgressLog progress) {
        this(graph, model, training, relations, group, progress, null);
    }

    /**
     * As above; {@code lineage}, when not null, is the warm start the run continues: the rows and relations its init
     * checkpoint trained are the known ones, which stay fixed under {@code training.freeze = existing} and are not
     * drawn by {@code training.newRowNegatives}' share of negatives.
     */
    public TrainingLoop(ImportedGraph graph, ModelConfig model, TrainingConfig training, RelationParameters relations,
                        WorkerGroup group, ProgressLog progress, CheckpointLineage lineage) {
        this.lineage = lineage;
        this.freeze = lineage != null && training.init().freeze() != io.embark.embedding.config.Freeze.NONE;
        if (freeze) {
            for (int r = 0; r < lineage.initRelations().size(); r++) {
                relations.freeze(r);
            }
        }
        this.progress = progress;
        this.graph = graph;
        this.model = model;
        this.training = training;
        this.schema = new TrainingSchema(graph.manifest(), model);
        this.relations = relations;
        this.group = group;
        this.shared = sharedTables(schema);
        this.hogwild = new HogwildTrainer(schema, relations, training.kernel(), StepSettings.of(model, training),
                training.negatives(), training.init().newRowNegatives(), training.threads(), seed());
        this.loader = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "embark-worker-" + group.rank() + "-prefetch");
            t.setDaemon(true);
            return t;
        });
        this.tables = new ResidentTables(loader, group.loadTimeout().orElse(null), group.cancellation());
        long tableBytes = tableBytes(schema, training);
        long heap = Runtime.getRuntime().maxMemory();
        this.keepAll = group.size() == 1 && schema.lhsPartitions() * (long) schema.rhsPartitions() > 1
                && training.tables().keepsAll(tableBytes, heap);
        if (schema.lhsPartitions() * (long) schema.rhsPartitions() > 1) {
            LOG.log(Level.INFO, String.format("tables (training.tables = %s): %s, %.2f GB with their Adagrad state, %.2f GB of heap",
                    ConfigChoice.spelling(training.tables()), keepAll ? "all kept in memory between buckets"
                            : "only each bucket's and the next one's in memory", tableBytes / 1e9, heap / 1e9));
        }
    }

    /** Every table of the graph with its Adagrad state, as {@link ResidentTables} counts them. */
    static long tableBytes(TrainingSchema schema, TrainingConfig training) {
        boolean elementwise = training.adagrad() == AdagradMode.ELEMENTWISE;
        long bytes = 0;
        for (int t = 0; t < schema.typeCount(); t++) {
            TrainingSchema.TypeInfo type = schema.type(t);
            for (long rows : type.partitionCounts()) {
                bytes += ResidentTables.bytes(rows, type.dim(), elementwise);
            }
        }
        return bytes;
    }

    /** The sampler's seed of this worker: {@code training.seed} on worker 0 (and on one machine). */
    private long seed() {
        return training.seed() + 1_000_003L * group.rank();
    }

    /** The schedule of {@code epoch} over {@code workers} workers: the bucket order of that epoch, non-empty buckets only. */
    public static RoundSchedule schedule(ImportedGraph graph, ModelConfig model, TrainingConfig training, int epoch, int workers)
            throws IOException {
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        Set<TableKey> shared = sharedTables(schema);
        return RoundSchedule.build(epochOrder(graph, schema, training, epoch), workers, b -> {
            Set<TableKey> own = new HashSet<>(schema.tablesOf(b));
            own.removeAll(shared);
            return own;
        });
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

    /**
     * The tables every worker trains at once: those of unpartitioned entity types when the grid has more than one
     * bucket (every bucket touches them). They are replicated and synced like relation parameters rather than held
     * by one worker at a time, which would serialize the schedule.
     */
    public static Set<TableKey> sharedTables(TrainingSchema schema) {
        Set<TableKey> out = new HashSet<>();
        if (schema.lhsPartitions() * (long) schema.rhsPartitions() > 1) {
            for (int t = 0; t < schema.typeCount(); t++) {
                if (schema.type(t).partitions() == 1) {
                    out.add(schema.key(t, 0));
                }
            }
        }
        return out;
    }

    /**
     * Trains this worker's buckets of epoch {@code epoch} (0-based), syncing the shared parameters after about every
     * {@code syncEdges} edges of the round's largest bucket; leaves every table it trained saved in {@code store} (the
     * shared ones saved by worker 0). The relation parameters stay in the object given to the constructor.
     */
    public WorkerResult trainEpoch(int epoch, PartitionStore store, long syncEdges) throws IOException {
        if (syncEdges < 1) {
            throw new IllegalArgumentException("syncEdges: " + syncEdges + " (expected >= 1)");
        }
        int rank = group.rank();
        long planStart = System.nanoTime();
        RoundSchedule schedule = schedule(graph, model, training, epoch, group.size());
        long share = 0;
        for (int round = 0; round < schedule.rounds(); round++) {
            Bucket b = schedule.bucket(round, rank);
            share += b == null ? 0 : graph.bucketEdges(DatasetLayout.TRAIN, b);
        }
        String label = (group.size() > 1 ? "worker " + rank + " " : "") + "epoch " + (epoch + 1) + "/" + training.epochs();
        // the first epoch's plan includes reading and checking the bucket index: what opening a dataset costs
        LOG.log(Level.INFO, String.format("%s planned: %,d rounds of %,d non-empty buckets (of %,d) in %.3f s", label,
                schedule.rounds(), countBuckets(schedule), (long) schema.lhsPartitions() * schema.rhsPartitions(),
                (System.nanoTime() - planStart) / 1e9));
        EpochProgress epochProgress = new EpochProgress(label, group.size() > 1 ? "this worker's share" : "the epoch", share,
                hogwild::edgesTrained, System::nanoTime);
        try (ProgressTimer timer = ProgressTimer.start(progress, TrainingLoop.class.getName(), "embark-progress-worker-" + rank,
                epochProgress::line)) {
            return trainRounds(epoch, store, syncEdges, schedule, label, share, epochProgress);
        } catch (IOException | RuntimeException e) {
            tables.clear();
            throw e;
        } finally {
            // a worker with no bucket this epoch never reached the first bucket's end() (StepWarmup)
            StepWarmup.end();
        }
    }

    private static int countBuckets(RoundSchedule schedule) {
        int n = 0;
        for (int round = 0; round < schedule.rounds(); round++) {
            for (Bucket b : schedule.round(round)) {
                n += b == null ? 0 : 1;
            }
        }
        return n;
    }

    private WorkerResult trainRounds(int epoch, PartitionStore store, long syncEdges, RoundSchedule schedule, String label,
                                     long share, EpochProgress epochProgress) throws IOException {
        long start = System.nanoTime();
        int rank = group.rank();
        hogwild.startEpoch(seed(), epoch);
        tables.useStore(store);
        long l0 = System.nanoTime();
        Future<EdgeBlock> nextEdges = submitEdges(schedule, 0, rank, epoch);
        Bucket first = schedule.rounds() == 0 ? null : schedule.bucket(0, rank);
        if (first != null) {
            // the first bucket's tables load beside its edges (nobody holds them between epochs)
            tables.prefetch(schema.tablesOf(first), Set.of());
        }
        // the JVM's step warm-up, if one still runs, stops now: on a machine of few cores the loads above need them
        StepWarmup.end();
        Map<TableKey, EmbeddingTable> sharedTables = acquire(shared);
        long ioWait = System.nanoTime() - l0;
        SharedParameterSync sync = group.sync(relations, sharedTables.values());
        sync.start();
        long compute = 0;
        long barrier = 0;
        long edges = 0;
        double loss = 0;
        int buckets = 0;
        for (int round = 0; round < schedule.rounds(); round++) {
            Bucket bucket = schedule.bucket(round, rank);
            epochProgress.at("round " + (round + 1) + "/" + schedule.rounds() + (bucket == null ? " (no bucket)" : " bucket " + bucket));
            long t0 = System.nanoTime();
            Map<TableKey, EmbeddingTable> held = new HashMap<>(sharedTables);
            if (bucket != null) {
                held.putAll(acquire(schema.tablesOf(bucket)));
            }
            EdgeBlock block = nextEdges == null ? null
                    : Loads.await(nextEdges, group.loadTimeout().orElse(null), group.cancellation(), "reading the next edges");
            ioWait += System.nanoTime() - t0;
            nextEdges = round + 1 < schedule.rounds() ? submitEdges(schedule, round + 1, rank, epoch) : null;
            Bucket next = round + 1 < schedule.rounds() ? schedule.bucket(round + 1, rank) : null;
            if (next != null) {
                tables.prefetch(schema.tablesOf(next), heldIn(schedule, round));
            }

            long c0 = System.nanoTime();
            long roundEdges = 0;
            double roundLoss = 0;
            int slices = slices(schedule, round, syncEdges);
            for (int s = 0; s < slices; s++) {
                if (block != null && block.size() > 0) {
                    long s0 = System.nanoTime();
                    int from = (int) ((long) block.size() * s / slices);
                    int to = (int) ((long) block.size() * (s + 1) / slices);
                    HogwildTrainer.BucketResult r = hogwild.train(bucket, slice(block, from, to), held);
                    roundEdges += r.edges();
                    roundLoss += r.loss();
                    compute += System.nanoTime() - s0;
                }
                sync.sync();
            }
            if (bucket != null) {
                buckets++;
                edges += roundEdges;
                loss += roundLoss;
                double secs = (System.nanoTime() - c0) / 1e9;
                double rate = edges / ((System.nanoTime() - start) / 1e9);
                LOG.log(Level.INFO, String.format("%s round %d/%d bucket %s: %,d edges in %.1f s (%,.0f edges/s), loss %.4f/edge, ETA %s",
                        label, round + 1, schedule.rounds(), bucket, roundEdges, secs, roundEdges / secs,
                        roundEdges == 0 ? 0 : roundLoss / roundEdges, ProgressFormat.duration((share - edges) / Math.max(rate, 1e-9))));
            }
            // save and drop what this worker's next bucket does not use: another worker may need it next round
            long s0 = System.nanoTime();
            Set<TableKey> keep = new HashSet<>(shared);
            if (next != null) {
                keep.addAll(schema.tablesOf(next));
            }
            if (round + 1 < schedule.rounds() && !keepAll) {
                tables.release(keep);
            }
            ioWait += System.nanoTime() - s0;
            long b0 = System.nanoTime();
            group.barrier();
            barrier += System.nanoTime() - b0;
        }
        long s0 = System.nanoTime();
        if (group.size() == 1) {
            // nobody else changes them: save every table, and keep them in memory for the next epoch
            tables.saveAll();
        } else {
            // after the last sync every replica of the shared tables is the same: one worker saves them
            if (rank != 0) {
                tables.drop(shared);
            }
            tables.release(Set.of());
            tables.clear();
        }
        ioWait += System.nanoTime() - s0;
        LOG.log(Level.INFO, String.format("%s %s", label, tables.takeIoSummary()));
        long b0 = System.nanoTime();
        group.barrier();
        barrier += System.nanoTime() - b0;
        double seconds = (System.nanoTime() - start) / 1e9;
        WorkerResult result = new WorkerResult(rank, 0, edges, loss, buckets, schedule.rounds(), sync.syncs(), compute / 1e9,
                ioWait / 1e9, sync.seconds(), barrier / 1e9, seconds);
        LOG.log(Level.INFO, String.format("%s: %,d edges in %d buckets over %d rounds, %.1f s "
                        + "(compute %.1f, I/O wait %.1f, sync %.1f, barrier %.1f)", label, edges, buckets,
                schedule.rounds(), seconds, result.computeSeconds(), result.ioWaitSeconds(), result.syncSeconds(),
                result.barrierSeconds()));
        return result;
    }

    /**
     * Makes {@code keys} resident, each marked with the rows its init checkpoint trained (frozen when the run freezes
     * them).
     */
    private Map<TableKey, EmbeddingTable> acquire(Set<TableKey> keys) throws IOException {
        Map<TableKey, EmbeddingTable> out = tables.acquire(keys);
        if (lineage != null) {
            for (Map.Entry<TableKey, EmbeddingTable> e : out.entrySet()) {
                int known = lineage.knownRows(e.getKey().entityType(), e.getKey().partition());
                e.getValue().markKnownRows(known);
                if (freeze) {
                    e.getValue().freezeRowsBelow(known);
                }
            }
        }
        return out;
    }

    /** The tables some worker holds in round {@code round}: not to be prefetched, their holder will save them. */
    private Set<TableKey> heldIn(RoundSchedule schedule, int round) {
        Set<TableKey> held = new HashSet<>();
        for (Bucket b : schedule.round(round)) {
            if (b != null) {
                held.addAll(schema.tablesOf(b));
            }
        }
        return held;
    }

    /** Syncs in a round: 1 for one worker; else the round's largest bucket over the sync period, at least 1; equal on every worker. */
    private int slices(RoundSchedule schedule, int round, long syncEdges) throws IOException {
        if (group.size() == 1) {
            return 1;
        }
        long largest = 0;
        for (Bucket b : schedule.round(round)) {
            if (b != null) {
                largest = Math.max(largest, graph.bucketEdges(DatasetLayout.TRAIN, b));
            }
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (largest + syncEdges - 1) / syncEdges));
    }

    private Future<EdgeBlock> submitEdges(RoundSchedule schedule, int round, int rank, int epoch) {
        Bucket b = schedule.rounds() == 0 ? null : schedule.bucket(round, rank);
        if (b == null) {
            return null;
        }
        return loader.submit(() -> readShuffled(graph, DatasetLayout.TRAIN, b, training.seed(), epoch, training.init().replay()));
    }

    /**
     * The edges of {@code bucket} in this epoch's order; of an {@code append} import's copied base edges a fraction
     * {@code replay} ({@code training.replay}), sampled anew each epoch.
     */
    static EdgeBlock readShuffled(ImportedGraph graph, String split, Bucket bucket, long seed, int epoch, double replay) throws IOException {
        long s = seed * 7_919L + epoch * 104_729L + bucket.lhsPartition() * 31L + bucket.rhsPartition();
        EdgeBlock block = graph.readBucket(split, bucket, replay, s ^ 0x5DEECE66DL);
        block.shuffle(new SplittableRandom(s));
        return block;
    }

    static EdgeBlock slice(EdgeBlock block, int from, int to) {
        if (from == 0 && to == block.size()) {
            return block;
        }
        EdgeBlock out = new EdgeBlock(to - from, block.weighted());
        for (int i = from; i < to; i++) {
            if (block.weighted()) {
                out.add(block.relation(i), block.lhs(i), block.rhs(i), block.weight(i));
            } else {
                out.add(block.relation(i), block.lhs(i), block.rhs(i));
            }
        }
        return out;
    }

    @Override
    public void close() {
        loader.shutdownNow();
        hogwild.close();
    }
}
