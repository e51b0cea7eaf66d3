package io.embark.embedding.train;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.EdgeBucketReader;
import io.embark.partitioning.EdgeBucketWriter;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.TableKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Trains a throwaway model on a small random graph, on one daemon thread, while the JVM is still starting the job
 * (Spark's start-up, reading the dataset's manifest and checkpoints), so that the JIT has compiled the training step
 * (the chunk step, the batch's gradient map, Adagrad, the sampler) before the first real chunk. Without it the first
 * seconds of the first bucket run in the interpreter and in C1 code: about 5 s of the FB15k config's first epoch (a
 * 25-s epoch) and 2 s of the d-100 config's. It runs the configured step (kernel, operators, comparator, loss,
 * negatives, batch) through the same {@link HogwildTrainer} the real training uses, with its own relation parameters,
 * tables and edges: nothing of the real model is read or written, so results do not depend on it.
 *
 * <p>First it sends a few synthetic buckets through the epoch's input path ({@link #warmInput}: the bucket file's
 * reader into an {@link EdgeBlock}, and the block's shuffle), in memory. Without that, the first bucket's edges are
 * read and shuffled by the interpreter and C1 code on the epoch's critical path, and so are the second bucket's, read
 * behind the first while it trains, on the core the two training threads share with the loader.
 *
 * <p>One warm-up per JVM ({@link #begin}); training calls {@link #end} when an epoch starts, as soon as it has asked
 * for its first bucket's edges and tables (and again when an epoch ends, a no-op then), which stops it after its
 * current synthetic bucket (one batch) and waits for that up to half a second, so the warm-up does not compete for the
 * cores with the loads the epoch waits for, nor with training. (It used to run until the first chunk, taking a core
 * of 2 from those loads: 0.4 s more of I/O wait in a 1-partition d-100 epoch, and no faster compute;
 * docs/BENCHMARKS.md, "The epoch's input path".) It also stops by itself after {@link #MAX_SECONDS}, so a job
 * cancelled before its first bucket leaves it running at most that long (a daemon thread, no lock held). A failure in
 * it is logged and ignored: training compiles its step itself.
 */
public final class StepWarmup {

    private static final Logger LOG = Logger.getLogger(StepWarmup.class.getName());

    /** The longest a warm-up runs when nothing ends it. */
    static final double MAX_SECONDS = 30;
    /**
     * Rows of each synthetic table: small, so that building it costs little, and not a power of two, like a real
     * partition's (the sampler's bounded draw takes another path for powers of two).
     */
    private static final int ROWS = 4000;
    /** Relations of the synthetic graph. */
    private static final int RELATIONS = 64;
    /**
     * Chunks per synthetic bucket when the optimizer steps per chunk; otherwise a bucket is one batch. {@link #end}
     * waits for the current bucket, so it is short.
     */
    private static final int CHUNKS_PER_BUCKET = 4;
    /**
     * How long {@link #end} waits for the warm-up thread's current bucket. Short: a bucket that started in the
     * interpreter may take seconds, and the real training compiles the same code itself; a bucket still running after
     * it finishes beside training, then the thread stops.
     */
    private static final long END_WAIT_MS = 500;
    /**
     * Edges of each synthetic bucket sent through the input path, and how many buckets: enough loop iterations
     * (about half a million records read and shuffled) for C2 to compile the reader's and the shuffle's loops.
     */
    private static final int INPUT_EDGES = 1 << 17;
    private static final int INPUT_BUCKETS = 4;

    private static StepWarmup current;

    private final Thread thread;
    private volatile boolean stop;
    private volatile long edges;
    private volatile long buckets;
    private volatile long inputEdges;
    /** When {@link #warmInput} ended, in seconds since the warm-up started (0 until then). */
    private volatile double inputSeconds;
    /** Set by the first {@link #end}, which logs the warm-up once. */
    private volatile boolean ended;
    private final long started = System.nanoTime();

    private StepWarmup(ModelConfig model, TrainingConfig training, boolean partitioned) {
        thread = new Thread(() -> run(model, training, partitioned), "embark-step-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts this JVM's warm-up for {@code model} and {@code training} unless one was started before (the JIT's code
     * is the JVM's, so one is enough). {@code partitioned}: whether the graph to train has more than one partition
     * (its buckets may then join two tables), so that the warm-up takes the branches the real training will.
     */
    public static synchronized void begin(ModelConfig model, TrainingConfig training, boolean partitioned) {
        if (current != null) {
            return;
        }
        current = new StepWarmup(model, training, partitioned);
        current.thread.start();
    }

    /** Stops the warm-up, if one runs, and waits (bounded) for its thread; logs what it trained. Safe to call often. */
    public static void end() {
        StepWarmup w;
        synchronized (StepWarmup.class) {
            w = current;
        }
        if (w == null || w.ended) {
            return;
        }
        w.stop = true;
        try {
            w.thread.join(END_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (w) {
            if (w.ended) {
                return;
            }
            w.ended = true;
        }
        LOG.log(Level.INFO, String.format("step warm-up: %,d synthetic edges in %,d buckets over %.1f s, before the first bucket "
                + "(and %,d edges read and shuffled in its first %.1f s)", w.edges, w.buckets, (System.nanoTime() - w.started) / 1e9,
                w.inputEdges, w.inputSeconds));
    }

    /** Whether this JVM's warm-up thread is still running. */
    static synchronized boolean running() {
        return current != null && current.thread.isAlive();
    }

    /** Synthetic edges this JVM's warm-up has trained (0 when none started). */
    static synchronized long edgesTrained() {
        return current == null ? 0 : current.edges;
    }

    /** Synthetic edges this JVM's warm-up has read and shuffled ({@link #warmInput}; 0 when none started). */
    static synchronized long inputEdgesWarmed() {
        return current == null ? 0 : current.inputEdges;
    }

    /** Stops and forgets the JVM's warm-up, so that a test can start another. */
    static synchronized void reset() {
        if (current != null) {
            current.stop = true;
            try {
                current.thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        current = null;
    }

    private void run(ModelConfig model, TrainingConfig training, boolean partitioned) {
        try {
            train(model, training, partitioned);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.INFO, "step warm-up stopped early (training is not affected): " + e);
        } finally {
            stop = true;
        }
    }

    private void train(ModelConfig model, TrainingConfig training, boolean partitioned) {
        String type = "warmup";
        int dim = model.dimension(type);
        // enough relations that a chunk's relation-gradient pool grows in the warm-up as it does on a real graph: a
        // branch the warm-up never took would be compiled as a trap, and taking it later recompiles the step
        int relationCount = RELATIONS;
        List<ImportManifest.RelationInfo> rels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int r = 0; r < relationCount; r++) {
            rels.add(new ImportManifest.RelationInfo(r, "warmup-" + r, type, type, 0));
            names.add("warmup-" + r);
        }
        // the real graph's shape where it decides a branch: partitioned graphs have buckets joining two tables (here two
        // partitions, trained as diagonal and off-diagonal buckets), unpartitioned ones never do; a branch the
        // warm-up took and the real training does not (or the reverse) would make the JIT recompile the training loop
        int parts = partitioned ? 2 : 1;
        long[] counts = new long[parts];
        Arrays.fill(counts, ROWS);
        ImportManifest manifest = new ImportManifest(ImportManifest.FORMAT_VERSION, null, Map.of(),
                List.of(new ImportManifest.EntityTypeInfo(type, parts, (long) parts * ROWS, counts)), rels, false, parts, parts, Map.of());
        TrainingSchema schema = new TrainingSchema(manifest, model);
        int[] dims = new int[relationCount];
        Arrays.fill(dims, dim);
        RelationParameters relations = RelationParameters.create(model, names, dims);
        SplittableRandom random = new SplittableRandom(0x5717_A4L);
        warmInput(random, relationCount);
        boolean elementwise = training.adagrad() == AdagradMode.ELEMENTWISE;
        // a HashMap, as TrainingLoop passes: the JIT inlines the sampler's table lookup for the map class it has seen,
        // and another class at the first real chunk would throw the compiled training loop away
        Map<TableKey, EmbeddingTable> tables = new HashMap<>();
        for (int p = 0; p < parts; p++) {
            tables.put(new TableKey(type, p), EmbeddingTable.random(type, p, ROWS, dim, model.initScale(), random, elementwise));
        }
        Bucket[] buckets = partitioned
                ? new Bucket[] {new Bucket(0, 0), new Bucket(0, 1), new Bucket(1, 1), new Bucket(1, 0)}
                : new Bucket[] {new Bucket(0, 0)};
        StepSettings settings = StepSettings.of(model, training);
        // one whole batch per bucket (so the batch's gradient map grows as it will), or a few chunks when stepping per chunk
        int chunks = settings.chunksPerStep() > 1 ? settings.chunksPerStep() : CHUNKS_PER_BUCKET;
        int size = chunks * training.negatives().chunkSize();
        EdgeBlock block = new EdgeBlock(size, false);
        for (int i = 0; i < size; i++) {
            block.add(random.nextInt(relationCount), random.nextInt(ROWS), random.nextInt(ROWS));
        }
        long deadline = started + (long) (MAX_SECONDS * 1e9);
        try (HogwildTrainer trainer = new HogwildTrainer(schema, relations, training.kernel(), settings, training.negatives(),
                0.0, 1, 0x5717_A4L)) {
            for (int n = 0; !stop && System.nanoTime() < deadline; n++) {
                trainer.startEpoch(0x5717_A4L, n);
                HogwildTrainer.BucketResult r = trainer.train(buckets[n % buckets.length], block, tables);
                edges += r.edges();
                this.buckets++;
            }
        }
    }

    /**
     * Writes {@link #INPUT_BUCKETS} synthetic bucket files of {@link #INPUT_EDGES} edges into memory, weighted and
     * not in turn (a dataset has either record layout; compiling both branches costs nothing), and reads each back into
     * an {@link EdgeBlock} and shuffles it as {@link TrainingLoop#readShuffled} does a real bucket.
     */
    private void warmInput(SplittableRandom random, int relationCount) {
        try {
            for (int b = 0; b < INPUT_BUCKETS && !stop; b++) {
                boolean weighted = b % 2 == 1;
                ByteArrayOutputStream file = new ByteArrayOutputStream(INPUT_EDGES * 16 + 64);
                try (EdgeBucketWriter writer = new EdgeBucketWriter(file, new Bucket(0, 0), weighted)) {
                    for (int i = 0; i < INPUT_EDGES; i++) {
                        writer.write(random.nextInt(relationCount), random.nextInt(ROWS), random.nextInt(ROWS), 1f);
                    }
                }
                EdgeBlock block = new EdgeBlock(INPUT_EDGES, weighted);
                try (EdgeBucketReader reader = new EdgeBucketReader(new ByteArrayInputStream(file.toByteArray()), "step warm-up")) {
                    reader.readInto(block);
                }
                block.shuffle(random);
                inputEdges += block.size();
            }
            inputSeconds = (System.nanoTime() - started) / 1e9;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // (in memory: not expected)
        }
    }
}
