package io.embark.embedding.train;

import io.embark.allreduce.Communicator;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.progress.ProgressTimer;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.RelationsFormat;
import io.embark.embedding.storage.SharedEpochStore;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.RoundSchedule;
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
import org.apache.hadoop.fs.Path;

/**
 * One worker's share of a distributed epoch: the rounds of a {@link RoundSchedule} that every worker computes alike,
 * with the buckets this worker trains in them (HOGWILD threads, as on one machine), the tables moving between workers
 * through a {@link SharedEpochStore}, and the shared parameters (relation operators, unpartitioned tables) kept in step by
 * {@link SharedParameterSync}.
 *
 * <p>Per round: wait for this round's tables and edges (most were prefetched while the previous round trained); train
 * the bucket in S slices with a sync after each, where S is the same on every worker (the round's largest bucket
 * divided by the sync period), so the collective calls match; save the tables the next round does not need here;
 * barrier. While a round trains, the next round's edges and the tables that no worker holds this round load in the
 * background. While the rounds run, a {@link ProgressTimer} logs this rank's edges done of its share of the epoch,
 * the rate and the ETA every interval. Knows nothing of Spark: a Spark task, or a test with threads, calls it.
 */
public final class RankTrainer implements AutoCloseable {

    /** The file in the attempt directory where rank 0 leaves the synced relation parameters. */
    public static final String RELATIONS = "relations.bin";

    private static final System.Logger LOG = System.getLogger(RankTrainer.class.getName());

    /** What one worker did in one epoch; seconds split into training, waiting for storage, syncing and barriers. */
    public record RankResult(int rank, long edges, double loss, int buckets, int rounds, long syncs,
                             double computeSeconds, double ioWaitSeconds, double syncSeconds, double barrierSeconds,
                             double seconds) {
    }

    private final ImportedGraph graph;
    private final ModelConfig model;
    private final TrainingConfig training;
    private final TrainingSchema schema;
    private final RelationParameters relations;
    private final Communicator comm;
    private final Set<String> shared;
    private final HogwildTrainer hogwild;
    private final ExecutorService loader;
    private final ProgressLog progress;

    public RankTrainer(ImportedGraph graph, ModelConfig model, TrainingConfig training, RelationParameters relations,
                       Communicator comm) {
        this(graph, model, training, relations, comm, ProgressLog.defaults());
    }

    /** As above, with the progress lines of each epoch going to {@code progress}. */
    public RankTrainer(ImportedGraph graph, ModelConfig model, TrainingConfig training, RelationParameters relations,
                       Communicator comm, ProgressLog progress) {
        this.progress = progress;
        this.graph = graph;
        this.model = model;
        this.training = training;
        this.schema = new TrainingSchema(graph.manifest(), model);
        this.relations = relations;
        this.comm = comm;
        this.shared = sharedTables(schema);
        this.hogwild = new HogwildTrainer(schema, relations, StepSettings.of(model, training), training.negatives(),
                training.threads(), training.seed() + 1_000_003L * comm.rank());
        this.loader = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "embark-rank-" + comm.rank() + "-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The schedule of {@code epoch} over {@code workers} workers: the bucket order of that epoch, non-empty buckets only. */
    public static RoundSchedule schedule(ImportedGraph graph, ModelConfig model, TrainingConfig training, int epoch, int workers)
            throws IOException {
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        List<Bucket> order = Trainer.epochOrder(graph, schema, training, epoch);
        Set<String> shared = sharedTables(schema);
        return RoundSchedule.build(order, workers, b -> {
            Set<String> own = new HashSet<>(schema.tablesOf(b));
            own.removeAll(shared);
            return own;
        });
    }

    /**
     * The tables every worker trains at once: those of unpartitioned entity types when the grid has more than one
     * bucket (every bucket touches them). They are replicated and synced like relation parameters rather than held
     * by one worker at a time, which would serialize the schedule.
     */
    public static Set<String> sharedTables(TrainingSchema schema) {
        Set<String> out = new HashSet<>();
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
     * Trains this worker's buckets of epoch {@code epoch} (0-based), syncing the relation parameters after about every
     * {@code syncEdges} edges of the round's largest bucket; leaves every table it trained saved in {@code store} and,
     * on rank 0, the relation parameters in {@code STORE/relations.bin}.
     */
    public RankResult trainEpoch(int epoch, SharedEpochStore store, long syncEdges) throws IOException {
        if (syncEdges < 1) {
            throw new IllegalArgumentException("syncEdges: " + syncEdges + " (expected >= 1)");
        }
        int rank = comm.rank();
        RoundSchedule schedule = schedule(graph, model, training, epoch, comm.size());
        long share = 0;
        for (int round = 0; round < schedule.rounds(); round++) {
            Bucket b = schedule.bucket(round, rank);
            share += b == null ? 0 : graph.bucketEdges(DatasetLayout.TRAIN, b);
        }
        EpochProgress epochProgress = new EpochProgress("rank " + rank + " epoch " + (epoch + 1) + "/" + training.epochs(),
                "this rank's share", share, hogwild::edgesTrained, System::nanoTime);
        try (ProgressTimer timer = ProgressTimer.start(progress, RankTrainer.class.getName(), "embark-progress-rank-" + rank,
                epochProgress::line)) {
            return trainRounds(epoch, store, syncEdges, schedule, epochProgress);
        }
    }

    private RankResult trainRounds(int epoch, SharedEpochStore store, long syncEdges, RoundSchedule schedule,
                                   EpochProgress epochProgress) throws IOException {
        long start = System.nanoTime();
        int rank = comm.rank();
        hogwild.startEpoch(training.seed() + 1_000_003L * rank, epoch);
        long l0 = System.nanoTime();
        Map<String, EmbeddingTable> sharedTables = new HashMap<>();
        for (String key : shared) {
            sharedTables.put(key, load(store, key));
        }
        long sharedLoad = System.nanoTime() - l0;
        SharedParameterSync sync = SharedParameterSync.of(relations, sharedTables.values(), comm);
        sync.start();
        long compute = 0;
        long ioWait = sharedLoad;
        long barrier = 0;
        long edges = 0;
        double loss = 0;
        int buckets = 0;
        Map<String, EmbeddingTable> resident = new HashMap<>();
        Map<String, Future<EmbeddingTable>> prefetched = new HashMap<>();
        Future<EdgeBlock> nextEdges = submitEdges(schedule, 0, rank, epoch);
        for (int round = 0; round < schedule.rounds(); round++) {
            Bucket bucket = schedule.bucket(round, rank);
            epochProgress.at("round " + (round + 1) + "/" + schedule.rounds() + (bucket == null ? " (no bucket)" : " bucket " + bucket));
            long t0 = System.nanoTime();
            Map<String, EmbeddingTable> tables = new HashMap<>(sharedTables);
            if (bucket != null) {
                for (String key : schema.tablesOf(bucket)) {
                    if (shared.contains(key)) {
                        continue;
                    }
                    EmbeddingTable t = resident.get(key);
                    if (t == null) {
                        Future<EmbeddingTable> f = prefetched.remove(key);
                        t = f != null ? Loads.await(f, comm.options().timeout(), comm.cancellation(), "loading table " + key) : load(store, key);
                        resident.put(key, t);
                    }
                    tables.put(key, t);
                }
            }
            EdgeBlock block = nextEdges == null ? null : Loads.await(nextEdges, comm.options().timeout(), comm.cancellation(), "reading the next edges");
            ioWait += System.nanoTime() - t0;
            nextEdges = round + 1 < schedule.rounds() ? submitEdges(schedule, round + 1, rank, epoch) : null;
            prefetchTables(schedule, round, rank, resident, prefetched, store);

            int slices = slices(schedule, round, syncEdges);
            for (int s = 0; s < slices; s++) {
                if (block != null && block.size() > 0) {
                    long c0 = System.nanoTime();
                    int from = (int) ((long) block.size() * s / slices);
                    int to = (int) ((long) block.size() * (s + 1) / slices);
                    HogwildTrainer.BucketResult r = hogwild.train(bucket, slice(block, from, to), tables);
                    edges += r.edges();
                    loss += r.loss();
                    compute += System.nanoTime() - c0;
                }
                sync.sync();
            }
            if (bucket != null) {
                buckets++;
            }
            // save and drop what this worker's next bucket does not use: another worker may need it next round
            Bucket next = round + 1 < schedule.rounds() ? schedule.bucket(round + 1, rank) : null;
            Set<String> keep = next == null ? Set.of() : schema.tablesOf(next);
            long s0 = System.nanoTime();
            for (String key : new ArrayList<>(resident.keySet())) {
                if (!keep.contains(key)) {
                    store.save(resident.remove(key));
                }
            }
            ioWait += System.nanoTime() - s0;
            long b0 = System.nanoTime();
            comm.barrier();
            barrier += System.nanoTime() - b0;
        }
        for (Future<EmbeddingTable> f : prefetched.values()) {
            f.cancel(true);
        }
        if (rank == 0) {
            // after the last sync every replica of the shared parameters is the same: one worker writes them
            writeRelations(store.directory());
            for (EmbeddingTable t : sharedTables.values()) {
                store.save(t);
            }
        }
        long b0 = System.nanoTime();
        comm.barrier();
        barrier += System.nanoTime() - b0;
        double seconds = (System.nanoTime() - start) / 1e9;
        RankResult result = new RankResult(rank, edges, loss, buckets, schedule.rounds(), sync.syncs(), compute / 1e9,
                ioWait / 1e9, sync.seconds(), barrier / 1e9, seconds);
        LOG.log(Level.INFO, String.format("rank %d epoch %d: %,d edges in %d buckets over %d rounds, %.1f s "
                        + "(compute %.1f, I/O wait %.1f, sync %.1f, barrier %.1f)", rank, epoch + 1, edges, buckets,
                schedule.rounds(), seconds, result.computeSeconds(), result.ioWaitSeconds(), result.syncSeconds(),
                result.barrierSeconds()));
        return result;
    }

    /** Syncs in a round: the round's largest bucket over the sync period, at least 1; equal on every worker. */
    private int slices(RoundSchedule schedule, int round, long syncEdges) throws IOException {
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
        return loader.submit(() -> Trainer.readShuffled(graph, DatasetLayout.TRAIN, b, training.seed(), epoch));
    }

    /** Starts loading next round's tables that nobody holds this round (their newest state is in the store). */
    private void prefetchTables(RoundSchedule schedule, int round, int rank, Map<String, EmbeddingTable> resident,
                                Map<String, Future<EmbeddingTable>> prefetched, SharedEpochStore store) {
        if (round + 1 >= schedule.rounds() || schedule.bucket(round + 1, rank) == null) {
            return;
        }
        Set<String> heldNow = new HashSet<>();
        for (Bucket b : schedule.round(round)) {
            if (b != null) {
                heldNow.addAll(schema.tablesOf(b));
            }
        }
        for (String key : schema.tablesOf(schedule.bucket(round + 1, rank))) {
            if (!shared.contains(key) && !heldNow.contains(key) && !resident.containsKey(key) && !prefetched.containsKey(key)) {
                prefetched.put(key, loader.submit(() -> load(store, key)));
            }
        }
    }

    private static EmbeddingTable load(SharedEpochStore store, String key) throws IOException {
        int slash = key.lastIndexOf('/');
        return store.load(key.substring(0, slash), Integer.parseInt(key.substring(slash + 1)));
    }

    private void writeRelations(Path dir) throws IOException {
        RelationsFormat.write(dir.getFileSystem(graph.fileSystem().getConf()), new Path(dir, RELATIONS), relations);
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
