package io.embark.embedding.train;

import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.kernel.Chunk;
import io.embark.embedding.kernel.ChunkGradients;
import io.embark.embedding.kernel.ChunkStep;
import io.embark.embedding.kernel.Optimizer;
import io.embark.embedding.kernel.StepKernel;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.optim.NonFiniteGradientException;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.TableKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Trains one bucket with HOGWILD threads: the bucket's (already shuffled) edges are cut into chunks, grouped so that
 * a chunk's edges share their (lhs type, rhs type), and the threads take chunks from a shared counter and update the
 * shared tables and relation parameters without locks. Each thread owns its {@link ChunkStep} (of the configured
 * {@link StepKernel}), {@link ChunkGradients}, {@link Optimizer}, {@link Chunk} and random source, created once per
 * run: the step computes a chunk's gradients, the optimizer applies them (per chunk, or summed over a batch). The threads add the edges of each batch they finish to a shared counter
 * ({@link #edgesTrained}) that a progress reporter reads while a bucket trains.
 *
 * <p>Every chunk's loss is checked (once per chunk, never per element): a NaN or infinite loss, or a gradient that
 * would make a row's Adagrad accumulator infinite, makes every thread stop at its next batch, and {@link #train}
 * throws a {@link NonFiniteLossException} naming the epoch and the bucket. The poisoned chunk's updates are not
 * applied, and the caller has not written the epoch's checkpoint yet, so no NaN reaches a committed version.
 */
final class HogwildTrainer implements AutoCloseable {

    /** Loss and edges of one bucket. */
    record BucketResult(long edges, double loss) {
    }

    private final TrainingSchema schema;
    private final NegativesConfig negatives;
    /** The share of each side's uniform negatives drawn from a table's new rows ({@code training.newRowNegatives}). */
    private final double newRowNegatives;
    private final StepSettings settings;
    private final ExecutorService pool;
    private final Worker[] workers;
    private final Map<Integer, int[]> identity = new HashMap<>();
    /** Edges trained since construction: bumped once per batch of chunks, never per edge, so the threads barely touch it. */
    private final LongAdder trainedEdges = new LongAdder();
    /** The epoch (0-based) set by {@link #startEpoch}, for the message of a non-finite loss. */
    private int epoch;

    HogwildTrainer(TrainingSchema schema, RelationParameters relations, StepKernel kernel, StepSettings settings,
                   NegativesConfig negatives, double newRowNegatives, int threads, long seed) {
        this.schema = schema;
        this.negatives = negatives;
        this.newRowNegatives = newRowNegatives;
        this.settings = settings;
        int uniformCapacity = negatives.all() ? schema.maxRows() : negatives.uniform();
        workers = new Worker[threads];
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int t = 0; t < threads; t++) {
            // the chunk's own negative arrays hold uniform draws; in all-negatives mode it points at identity arrays, so a
            // partition-sized pair of its own would be unused
            int drawn = negatives.all() ? 0 : negatives.uniform();
            workers[t] = new Worker(kernel.create(relations, settings, negatives.chunkSize(), uniformCapacity, schema.maxDim()),
                    new ChunkGradients(relations, negatives.chunkSize(), uniformCapacity, schema.maxDim()),
                    Optimizer.of(relations, settings), new Chunk(negatives.chunkSize(), drawn), seeds.split());
        }
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "embark-hogwild-" + n.getAndIncrement());
            th.setDaemon(true);
            return th;
        });
    }

    /**
     * Reseeds every worker's sampler for an epoch, so that an epoch's negatives depend on (seed, epoch) only and a
     * run resumed from a checkpoint samples what an uninterrupted run would have (exactly so with one thread).
     */
    void startEpoch(long seed, int epoch) {
        this.epoch = epoch;
        SplittableRandom seeds = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (Worker w : workers) {
            w.random = seeds.split();
        }
    }

    /** Edges trained by every call of {@link #train} so far, including those of a bucket still training. */
    long edgesTrained() {
        return trainedEdges.sum();
    }

    BucketResult train(Bucket bucket, EdgeBlock edges, Map<TableKey, EmbeddingTable> tables) {
        int size = edges.size();
        if (size == 0) {
            return new BucketResult(0, 0);
        }
        // group edge indices by (lhs type, rhs type): counting sort, stable, so the shuffle survives inside a group
        int types = schema.typeCount();
        int[] group = new int[size];
        int[] counts = new int[types * types + 1];
        int[] rel = edges.relations();
        for (int i = 0; i < size; i++) {
            group[i] = schema.lhsType(rel[i]) * types + schema.rhsType(rel[i]);
            counts[group[i] + 1]++;
        }
        for (int g = 0; g < types * types; g++) {
            counts[g + 1] += counts[g];
        }
        int[] starts = counts.clone();
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[starts[group[i]]++] = i;
        }
        List<int[]> chunks = new ArrayList<>();
        for (int g = 0; g < types * types; g++) {
            for (int from = counts[g]; from < counts[g + 1]; from += negatives.chunkSize()) {
                chunks.add(new int[] {g, from, Math.min(counts[g + 1], from + negatives.chunkSize())});
            }
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> nonFinite = new AtomicReference<>();
        List<Future<double[]>> results = new ArrayList<>();
        for (Worker w : workers) {
            results.add(pool.submit(() -> w.run(bucket, edges, order, chunks, next, tables, nonFinite)));
        }
        double loss = 0;
        long trained = 0;
        for (Future<double[]> f : results) {
            try {
                double[] r = f.get();
                loss += r[0];
                trained += (long) r[1];
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training bucket " + bucket, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("training bucket " + bucket + " failed: " + e.getCause(), e.getCause());
            }
        }
        if (nonFinite.get() != null) {
            throw new NonFiniteLossException(String.format("epoch %d, bucket %s: %s after %,d of %,d edges; training "
                    + "stopped before checkpoint v%d was written (lower training.learningRate, or check the edge weights)",
                    epoch + 1, bucket, nonFinite.get(), trained, size, epoch + 1));
        }
        return new BucketResult(trained, loss);
    }

    private int[] identity(int rows) {
        synchronized (identity) {
            return identity.computeIfAbsent(rows, n -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = i;
                }
                return a;
            });
        }
    }

    private final class Worker {
        final ChunkStep step;
        final ChunkGradients gradients;
        final Optimizer optimizer;
        final Chunk chunk;
        SplittableRandom random;
        final int[] ownLhs;
        final int[] ownRhs;

        Worker(ChunkStep step, ChunkGradients gradients, Optimizer optimizer, Chunk chunk, SplittableRandom random) {
            this.step = step;
            this.gradients = gradients;
            this.optimizer = optimizer;
            this.chunk = chunk;
            this.random = random;
            this.ownLhs = chunk.lhsNegatives;
            this.ownRhs = chunk.rhsNegatives;
        }

        /**
         * Trains batches of chunks until none is left or some thread has put a reason into {@code nonFinite}: a chunk
         * whose loss is not finite (its updates are not applied) or a refused Adagrad update.
         */
        double[] run(Bucket bucket, EdgeBlock edges, int[] order, List<int[]> chunks, AtomicInteger next,
                     Map<TableKey, EmbeddingTable> tables, AtomicReference<String> nonFinite) {
            double loss = 0;
            long count = 0;
            // a thread takes a whole batch of consecutive chunks (one chunk when stepping per chunk)
            int per = settings.chunksPerStep();
            for (int b = next.getAndIncrement(); (long) b * per < chunks.size() && nonFinite.get() == null; b = next.getAndIncrement()) {
                long before = count;
                try {
                    for (int c = b * per; c < Math.min(chunks.size(), (b + 1) * per); c++) {
                        fill(bucket, edges, order, chunks.get(c), tables);
                        double l = step.computeGradients(chunk, gradients);
                        if (!Double.isFinite(l)) {
                            // NaN or infinite gradients would poison every row they touch: nothing of the batch is applied
                            nonFinite.compareAndSet(null, "the loss of a chunk of " + chunk.size + " edges is " + l);
                            return new double[] {loss, count};
                        }
                        optimizer.add(chunk, gradients);
                        loss += l;
                        count += chunk.size;
                    }
                    optimizer.flush();
                } catch (NonFiniteGradientException e) {
                    nonFinite.compareAndSet(null, "a non-finite gradient (" + e.getMessage() + ")");
                    return new double[] {loss, count};
                }
                trainedEdges.add(count - before);
            }
            return new double[] {loss, count};
        }

        /** Loads the edges of chunk {@code spec} = {group, from, to} and draws its negatives. */
        private void fill(Bucket bucket, EdgeBlock edges, int[] order, int[] spec, Map<TableKey, EmbeddingTable> tables) {
            int types = schema.typeCount();
            int[] rel = edges.relations();
            int[] lhs = edges.lhsOffsets();
            int[] rhs = edges.rhsOffsets();
            float[] w = edges.weights();
            int lt = spec[0] / types;
            int rt = spec[0] % types;
            chunk.clear();
            chunk.lhsTable = tables.get(schema.key(lt, schema.partitionOf(lt, bucket.lhsPartition())));
            chunk.rhsTable = tables.get(schema.key(rt, schema.partitionOf(rt, bucket.rhsPartition())));
            for (int k = spec[1]; k < spec[2]; k++) {
                int e = order[k];
                chunk.add(rel[e], lhs[e], rhs[e], w == null ? 1f : w[e]);
            }
            int lr = chunk.lhsTable.rows();
            int rr = chunk.rhsTable.rows();
            // one set for both sides when the config asks for it and both sides draw from the same table
            boolean shared = settings.sharedNegatives() && chunk.lhsTable == chunk.rhsTable;
            if (negatives.all()) {
                if (shared) {
                    chunk.sharedNegatives(identity(lr), lr);
                } else {
                    chunk.negatives(identity(lr), lr, identity(rr), rr);
                }
            } else {
                int u = negatives.uniform();
                int lk = chunk.lhsTable.knownRows();
                int rk = chunk.rhsTable.knownRows();
                int lNew = fromNew(u, lk, lr);
                int rNew = fromNew(u, rk, rr);
                if (shared) {
                    for (int j = 0; j < u; j++) {
                        ownLhs[j] = j < lNew ? lk + random.nextInt(lr - lk) : random.nextInt(lr);
                    }
                    chunk.sharedNegatives(ownLhs, u);
                } else {
                    // interleaved, one draw per side per j: the sampler's stream is the same whatever the share
                    for (int j = 0; j < u; j++) {
                        ownLhs[j] = j < lNew ? lk + random.nextInt(lr - lk) : random.nextInt(lr);
                        ownRhs[j] = j < rNew ? rk + random.nextInt(rr - rk) : random.nextInt(rr);
                    }
                    chunk.negatives(ownLhs, u, ownRhs, u);
                }
            }
        }

        /**
         * How many of a side's {@code u} uniform negatives come from the rows of its table the init checkpoint did not
         * train ({@code known} of {@code rows} are known): the {@code newRowNegatives} share when there are new rows.
         */
        private int fromNew(int u, int known, int rows) {
            return newRowNegatives > 0 && known < rows ? (int) Math.round(newRowNegatives * u) : 0;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        for (Worker w : workers) {
            w.step.close();
        }
    }
}
