package io.embark.allreduce;

import io.embark.allreduce.algorithm.AllReduceAlgorithm;
import io.embark.allreduce.algorithm.Barrier;
import io.embark.allreduce.algorithm.Broadcast;
import io.embark.allreduce.algorithm.DirectAllReduce;
import io.embark.allreduce.algorithm.HierarchicalAllReduce;
import io.embark.allreduce.algorithm.LevelPlanner;
import io.embark.allreduce.algorithm.OpContext;
import io.embark.allreduce.algorithm.RecursiveDoublingAllReduce;
import io.embark.allreduce.algorithm.RecursiveHalvingDoubling;
import io.embark.allreduce.algorithm.RingAllReduce;
import io.embark.allreduce.algorithm.ShardedCollective;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.cost.CostCalibration;
import io.embark.allreduce.cost.CostModel;
import io.embark.allreduce.cost.CostModelPlanner;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.Deadline;
import io.embark.allreduce.transport.Transport;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One rank's handle on a job's collectives: reduce-scatter, all-gather, all-reduce (sum, mean,
 * max), broadcast and barrier, over a {@link Transport} and a {@link Topology}. Create one per rank
 * with {@link #builder()}, close it when done; there is no global state.
 *
 * <pre>{@code
 * InProcessFabric fabric = new InProcessFabric(4);           // or TcpTransport.connect(...) per process
 * try (Communicator comm = Communicator.builder()
 *         .rank(r).worldSize(4).transport(fabric.transport(r))
 *         .topology(Topology.flat(4)).options(CommunicatorOptions.defaults()).build()) {
 *     comm.allReduce(gradient, ReduceOp.MEAN);                 // blocking
 *     CompletableFuture<Void> f = comm.allReduceAsync(other, ReduceOp.SUM);  // overlaps with compute
 *     ...
 *     f.join();
 * }
 * }</pre>
 *
 * <p><b>Tags and ordering.</b> Every operation carries a tag. Operations without an explicit tag get
 * the next number of a per-communicator sequence, so all ranks must issue them in the same order (as
 * with MPI or NCCL). Operations with explicit tags (in {@code [0, 2^62)}) may be issued in any order
 * and from several threads; the same tag must not be in flight twice at once.
 *
 * <p><b>Failures.</b> Every operation is bounded by {@link CommunicatorOptions#timeout()}, and its
 * waits end early when the {@link Cancellation} given to the builder says the caller has given up
 * (a {@link CollectiveCancelledException}, within about {@link Cancellation#POLL}). The first
 * failure (timeout, cancellation, dead peer, protocol error) aborts the communicator: pending operations
 * fail, peers are told, and every later call fails at once with the original cause.
 */
public final class Communicator implements AutoCloseable {
    private static final long AUTO_TAG_BASE = 1L << 62;

    private final int rank;
    private final int size;
    private final Topology topology;
    private final Transport transport;
    private final CommunicatorOptions options;
    private final Cancellation cancellation;
    private final LevelPlanner planner;
    private final CostModel costModel;
    private final AtomicLong autoTags = new AtomicLong();
    private final Object lifecycle = new Object();
    private ExecutorService asyncPool;
    private volatile CollectiveException aborted;
    private volatile boolean closed;

    private Communicator(int rank, int size, Topology topology, Transport transport, CommunicatorOptions options,
                         Cancellation cancellation) {
        this.rank = rank;
        this.cancellation = cancellation;
        this.size = size;
        this.topology = topology;
        this.transport = transport;
        this.options = options;
        if (options.costs() instanceof CostModelChoice.Configured c) {
            this.costModel = c.model();
        } else {
            this.costModel = execute("measure link costs", nextAutoTag(), DataType.FLOAT64, 0,
                    ctx -> CostCalibration.measure(ctx, topology));
        }
        this.planner = new CostModelPlanner(costModel);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Communicator}, checking that rank, world size, topology and transport agree. */
    public static final class Builder {
        private Integer rank;
        private Integer worldSize;
        private Topology topology;
        private Transport transport;
        private CommunicatorOptions options = CommunicatorOptions.defaults();
        private Cancellation cancellation = Cancellation.NEVER;

        public Builder rank(int r) {
            this.rank = r;
            return this;
        }

        public Builder worldSize(int n) {
            this.worldSize = n;
            return this;
        }

        /** Optional: a flat topology over the world when not given. */
        public Builder topology(Topology t) {
            this.topology = t;
            return this;
        }

        public Builder transport(Transport t) {
            this.transport = t;
            return this;
        }

        public Builder options(CommunicatorOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /**
         * Optional: asked by every wait of every operation (and by {@link #close()}); never cancelled when not given.
         * Unlike the options it is this rank's own, not the job's.
         */
        public Builder cancellation(Cancellation c) {
            this.cancellation = Objects.requireNonNull(c, "cancellation");
            return this;
        }

        public Communicator build() {
            Objects.requireNonNull(transport, "transport (expected a Transport)");
            int n = worldSize != null ? worldSize : transport.size();
            int r = rank != null ? rank : transport.rank();
            if (n < 1) {
                throw new IllegalArgumentException("worldSize: " + n + " (expected >= 1)");
            }
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException("rank: " + r + " (expected 0.." + (n - 1) + ")");
            }
            if (transport.size() != n || transport.rank() != r) {
                throw new IllegalArgumentException("transport is rank " + transport.rank() + " of " + transport.size()
                        + " but the communicator was asked for rank " + r + " of " + n);
            }
            Topology t = topology != null ? topology : Topology.flat(n);
            if (t.size() != n) {
                throw new IllegalArgumentException("topology has " + t.size() + " ranks, worldSize is " + n);
            }
            return new Communicator(r, n, t, transport, options, cancellation);
        }
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    public Topology topology() {
        return topology;
    }

    public CommunicatorOptions options() {
        return options;
    }

    /** Whether this rank's caller has given up; what every wait of this communicator asks. */
    public Cancellation cancellation() {
        return cancellation;
    }

    /** The cost model the planner uses (configured, or as measured at start-up). */
    public CostModel costModel() {
        return costModel;
    }

    /** How {@code length} elements are cut among ranks for reduce-scatter and all-gather. */
    public BlockLayout layout(int length) {
        return new BlockLayout(0, length, size);
    }

    // ---- all-reduce ------------------------------------------------------------------------

    public void allReduce(float[] data, ReduceOp op) {
        allReduce(ElementBuffer.of(data), op);
    }

    public void allReduce(double[] data, ReduceOp op) {
        allReduce(ElementBuffer.of(data), op);
    }

    /** Reduces the elements between the buffer's position and limit; the position is not moved. */
    public void allReduce(FloatBuffer data, ReduceOp op) {
        allReduce(ElementBuffer.of(data), op);
    }

    public void allReduce(DoubleBuffer data, ReduceOp op) {
        allReduce(ElementBuffer.of(data), op);
    }

    /** Little-endian elements in a byte buffer; a direct one is sent and received by TCP without copies. */
    public void allReduce(ByteBuffer data, DataType type, ReduceOp op) {
        allReduce(ElementBuffer.ofBytes(data, type), op);
    }

    public void allReduce(ElementBuffer data, ReduceOp op) {
        allReduceTagged(data, op, nextAutoTag());
    }

    /** With an explicit tag in {@code [0, 2^62)}. */
    public void allReduce(ElementBuffer data, ReduceOp op, long tag) {
        allReduceTagged(data, op, checkUserTag(tag));
    }

    private void allReduceTagged(ElementBuffer data, ReduceOp op, long tag) {
        Objects.requireNonNull(op, "op");
        requireReducible(data);
        execute("allReduce", checkTag(tag), data.type(), data.length(), ctx -> {
            allReduceNow(ctx, data, op);
            return null;
        });
    }

    public CompletableFuture<Void> allReduceAsync(float[] data, ReduceOp op) {
        return allReduceAsync(ElementBuffer.of(data), op);
    }

    public CompletableFuture<Void> allReduceAsync(double[] data, ReduceOp op) {
        return allReduceAsync(ElementBuffer.of(data), op);
    }

    public CompletableFuture<Void> allReduceAsync(FloatBuffer data, ReduceOp op) {
        return allReduceAsync(ElementBuffer.of(data), op);
    }

    public CompletableFuture<Void> allReduceAsync(DoubleBuffer data, ReduceOp op) {
        return allReduceAsync(ElementBuffer.of(data), op);
    }

    public CompletableFuture<Void> allReduceAsync(ElementBuffer data, ReduceOp op) {
        return allReduceAsyncTagged(data, op, nextAutoTag());
    }

    /** With an explicit tag in {@code [0, 2^62)}: operations with distinct tags may be issued in any order. */
    public CompletableFuture<Void> allReduceAsync(ElementBuffer data, ReduceOp op, long tag) {
        return allReduceAsyncTagged(data, op, checkUserTag(tag));
    }

    private CompletableFuture<Void> allReduceAsyncTagged(ElementBuffer data, ReduceOp op, long tag) {
        Objects.requireNonNull(op, "op");
        requireReducible(data);
        long t = checkTag(tag);
        return async(() -> execute("allReduce", t, data.type(), data.length(), ctx -> {
            allReduceNow(ctx, data, op);
            return null;
        }));
    }

    private void allReduceNow(OpContext ctx, ElementBuffer data, ReduceOp op) {
        int n = data.length();
        if (size > 1 && n > 0) {
            algorithmFor(data.bytes(n)).allReduce(ctx, Group.world(size, rank), data, 0, n, op.wireOp());
        }
        if (op == ReduceOp.MEAN && size > 1) {
            data.scale(0, n, 1.0 / size);
        }
    }

    /** The schedule {@link #allReduce} runs for a buffer of {@code bytes}. */
    public AllReduceAlgorithm algorithmFor(long bytes) {
        switch (options.algorithm()) {
            case RING:
                return new RingAllReduce();
            case HALVING_DOUBLING:
                return new RecursiveHalvingDoubling();
            case RECURSIVE_DOUBLING:
                return new RecursiveDoublingAllReduce();
            case DIRECT:
                return new DirectAllReduce();
            case HIERARCHICAL:
                return new HierarchicalAllReduce(topology, planner);
            case AUTO:
            default:
                if (transport.sharedBuffers().isPresent()) {
                    return new DirectAllReduce();
                }
                return topology.levels() > 1 ? new HierarchicalAllReduce(topology, planner)
                        : planner.allReduce(0, size, bytes);
        }
    }

    private ShardedCollective shardedFor(long bytes) {
        if (options.algorithm() == AlgorithmChoice.RING) {
            return new RingAllReduce();
        }
        if (options.algorithm() == AlgorithmChoice.HALVING_DOUBLING && Integer.bitCount(size) == 1) {
            return new RecursiveHalvingDoubling();
        }
        if (options.algorithm() == AlgorithmChoice.DIRECT
                || options.algorithm() == AlgorithmChoice.AUTO && transport.sharedBuffers().isPresent()) {
            return new DirectAllReduce();
        }
        return planner.sharded(0, size, bytes);
    }

    // ---- reduce-scatter and all-gather -------------------------------------------------------

    /**
     * Combines {@code data} across ranks so that this rank's block of {@link #layout(int)} holds the
     * result (other blocks are left as scratch). Returns that block.
     */
    public Shard reduceScatter(float[] data, ReduceOp op) {
        return reduceScatter(ElementBuffer.of(data), op);
    }

    public Shard reduceScatter(double[] data, ReduceOp op) {
        return reduceScatter(ElementBuffer.of(data), op);
    }

    public Shard reduceScatter(ElementBuffer data, ReduceOp op) {
        return reduceScatterTagged(data, op, nextAutoTag());
    }

    public Shard reduceScatter(ElementBuffer data, ReduceOp op, long tag) {
        return reduceScatterTagged(data, op, checkUserTag(tag));
    }

    private Shard reduceScatterTagged(ElementBuffer data, ReduceOp op, long tag) {
        requireReducible(data);
        return execute("reduceScatter", checkTag(tag), data.type(), data.length(), ctx -> reduceScatterNow(ctx, data, op));
    }

    public CompletableFuture<Shard> reduceScatterAsync(ElementBuffer data, ReduceOp op) {
        requireReducible(data);
        long t = nextAutoTag();
        return async(() -> execute("reduceScatter", t, data.type(), data.length(), ctx -> reduceScatterNow(ctx, data, op)));
    }

    private Shard reduceScatterNow(OpContext ctx, ElementBuffer data, ReduceOp op) {
        BlockLayout layout = layout(data.length());
        if (size > 1) {
            shardedFor(data.bytes(data.length())).reduceScatter(ctx, Group.world(size, rank), data, layout, op.wireOp());
        }
        Shard mine = new Shard(layout.blockOffset(rank), layout.blockLength(rank));
        if (op == ReduceOp.MEAN && size > 1) {
            data.scale(mine.offset(), mine.length(), 1.0 / size);
        }
        return mine;
    }

    /** Each rank contributes its block of {@link #layout(int)} of {@code data}; all end with every block. */
    public void allGather(float[] data) {
        allGather(ElementBuffer.of(data));
    }

    public void allGather(double[] data) {
        allGather(ElementBuffer.of(data));
    }

    public void allGather(ElementBuffer data) {
        allGatherTagged(data, nextAutoTag());
    }

    public void allGather(ElementBuffer data, long tag) {
        allGatherTagged(data, checkUserTag(tag));
    }

    private void allGatherTagged(ElementBuffer data, long tag) {
        execute("allGather", checkTag(tag), data.type(), data.length(), ctx -> {
            allGatherNow(ctx, data);
            return null;
        });
    }

    public CompletableFuture<Void> allGatherAsync(ElementBuffer data) {
        long t = nextAutoTag();
        return async(() -> execute("allGather", t, data.type(), data.length(), ctx -> {
            allGatherNow(ctx, data);
            return null;
        }));
    }

    private void allGatherNow(OpContext ctx, ElementBuffer data) {
        if (size > 1) {
            shardedFor(data.bytes(data.length())).allGather(ctx, Group.world(size, rank), data, layout(data.length()));
        }
    }

    // ---- broadcast and barrier ---------------------------------------------------------------

    public void broadcast(float[] data, int root) {
        broadcast(ElementBuffer.of(data), root);
    }

    public void broadcast(double[] data, int root) {
        broadcast(ElementBuffer.of(data), root);
    }

    /** The bytes between position and limit (equal counts on every rank). */
    public void broadcast(ByteBuffer data, int root) {
        broadcast(ElementBuffer.ofBytes(data, DataType.BYTE), root);
    }

    public void broadcast(ElementBuffer data, int root) {
        broadcastTagged(data, root, nextAutoTag());
    }

    public void broadcast(ElementBuffer data, int root, long tag) {
        broadcastTagged(data, root, checkUserTag(tag));
    }

    private void broadcastTagged(ElementBuffer data, int root, long tag) {
        checkRoot(root);
        execute("broadcast", checkTag(tag), data.type(), data.length(), ctx -> {
            Broadcast.run(ctx, Group.world(size, rank), data, 0, data.length(), root);
            return null;
        });
    }

    public CompletableFuture<Void> broadcastAsync(ElementBuffer data, int root) {
        checkRoot(root);
        long t = nextAutoTag();
        return async(() -> execute("broadcast", t, data.type(), data.length(), ctx -> {
            Broadcast.run(ctx, Group.world(size, rank), data, 0, data.length(), root);
            return null;
        }));
    }

    /** Returns once every rank has entered the barrier. */
    public void barrier() {
        execute("barrier", nextAutoTag(), DataType.BYTE, 0, ctx -> {
            Barrier.run(ctx, Group.world(size, rank));
            return null;
        });
    }

    public CompletableFuture<Void> barrierAsync() {
        long t = nextAutoTag();
        return async(() -> execute("barrier", t, DataType.BYTE, 0, ctx -> {
            Barrier.run(ctx, Group.world(size, rank));
            return null;
        }));
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private long nextAutoTag() {
        return AUTO_TAG_BASE + autoTags.getAndIncrement();
    }

    private static long checkTag(long tag) {
        if (tag < 0) {
            throw new IllegalArgumentException("tag: " + tag + " (expected >= 0)");
        }
        return tag;
    }

    private static long checkUserTag(long tag) {
        if (tag < 0 || tag >= AUTO_TAG_BASE) {
            throw new IllegalArgumentException("tag: " + tag + " (expected 0 <= tag < 2^62)");
        }
        return tag;
    }

    private void checkRoot(int root) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("root: " + root + " (expected 0.." + (size - 1) + ")");
        }
    }

    private static void requireReducible(ElementBuffer data) {
        if (data.type() == DataType.BYTE) {
            throw new IllegalArgumentException("raw bytes cannot be reduced; use FLOAT32 or FLOAT64");
        }
    }

    private String tagLabel(long tag) {
        return tag >= AUTO_TAG_BASE ? "#" + (tag - AUTO_TAG_BASE) : "tag " + tag;
    }

    private <T> T execute(String what, long tag, DataType type, int n, Function<OpContext, T> body) {
        CollectiveException a = aborted;
        if (a != null) {
            throw new CollectiveException("rank " + rank + ": communicator was aborted by an earlier failure: "
                    + a.getMessage(), a);
        }
        if (closed) {
            throw new IllegalStateException("rank " + rank + ": communicator is closed");
        }
        String desc = "rank " + rank + ": " + what + " " + tagLabel(tag) + " (" + n + " x " + type + ")";
        Deadline deadline = Deadline.after(options.timeout(), desc, cancellation);
        int segBytes = options.segmentBytes().orElse(transport.preferredSegmentBytes());
        OpContext ctx = new OpContext(transport, tag, deadline, Math.max(1, segBytes / type.bytes()),
                options.pipelineDepth());
        try {
            return body.apply(ctx);
        } catch (CollectiveException e) {
            abort(e);
            throw e;
        } catch (RuntimeException e) {
            CollectiveException c = new CollectiveException(desc + " failed: " + e, e);
            abort(c);
            throw c;
        }
    }

    private void abort(CollectiveException cause) {
        synchronized (lifecycle) {
            if (aborted != null) {
                return;
            }
            aborted = cause;
        }
        transport.abort(cause);
    }

    private <T> CompletableFuture<T> async(java.util.function.Supplier<T> op) {
        ExecutorService pool;
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("rank " + rank + ": communicator is closed");
            }
            if (asyncPool == null) {
                AtomicInteger n = new AtomicInteger();
                asyncPool = Executors.newFixedThreadPool(options.asyncThreads(), r -> {
                    Thread t = new Thread(r, "embark-allreduce-r" + rank + "-async-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
            }
            pool = asyncPool;
        }
        return CompletableFuture.supplyAsync(op, pool);
    }

    /**
     * Waits for asynchronous operations already started (up to the timeout, or until the caller gives up), then
     * leaves the job.
     */
    @Override
    public void close() {
        ExecutorService pool;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            pool = asyncPool;
        }
        if (pool != null) {
            pool.shutdown();
            Deadline deadline = Deadline.after(options.timeout(), "rank " + rank + ": close", cancellation);
            try {
                while (!pool.awaitTermination(deadline.sliceNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    if (deadline.expired() || cancellation.isCancelled()) {
                        pool.shutdownNow();
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
        transport.close();
    }
}
