package io.embark.embedding.bench;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepDriver;
import io.embark.embedding.kernel.Chunk;
import io.embark.embedding.kernel.GradientAccumulator;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bare chunk step (no data loading) with PyTorch-BigGraph's FB15k shapes: 14,541 entities of dimension d,
 * 237 relations, complex_diagonal + dot + softmax, chunks of 50 edges with 1000 uniform negatives per side, on 1..T
 * HOGWILD threads. Arguments: dim threads seconds [batch [shared]], batch = edges per optimizer step (0: a step per
 * chunk), shared = true for one draw of uniform negatives for both sides ({@code training.negatives.shared}).
 * Besides wall-clock edges/s it prints edges per CPU-second of the training threads, which other processes on a
 * shared machine disturb much less (use it to compare two versions of the step).
 */
public final class KernelBenchmark {

    private KernelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int dim = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int maxThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        int entities = 14_541;
        int relations = 237;
        ModelConfig model = ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        boolean shared = args.length > 4 && Boolean.parseBoolean(args[4]);
        TrainingConfig training = TrainingConfig.defaults(1, NegativesConfig.pbg(50, 1000).withShared(shared))
                .withBatchSize(args.length > 3 ? Integer.parseInt(args[3]) : 0);
        List<String> names = new ArrayList<>(Collections.nCopies(relations, "r"));
        int[] dims = new int[relations];
        java.util.Arrays.fill(dims, dim);
        RelationParameters rel = RelationParameters.create(model, names, dims);
        EmbeddingTable table = EmbeddingTable.random("e", 0, entities, dim, 1e-3, new SplittableRandom(1));
        StepSettings settings = StepSettings.of(model, training);
        for (int threads = 1; threads <= maxThreads; threads++) {
            AtomicLong edges = new AtomicLong();
            AtomicLong cpuNanos = new AtomicLong();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            List<Thread> ts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final int seed = t;
                Thread th = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    Chunk chunk = new Chunk(50, 1000);
                    chunk.lhsTable = table;
                    chunk.rhsTable = table;
                    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                    GradientAccumulator batch = settings.chunksPerStep() > 1 ? new GradientAccumulator(rel, settings) : null;
                    try (StepDriver step = StepDriver.blas(rel, settings, 50, 1000, dim)) {
                        long warm = System.nanoTime() + 2_000_000_000L;
                        boolean counting = false;
                        long cpu0 = 0;
                        while (System.nanoTime() < end) {
                            chunk.clear();
                            for (int i = 0; i < 50; i++) {
                                chunk.add(random.nextInt(relations), random.nextInt(entities), random.nextInt(entities), 1f);
                            }
                            int[] ln = chunk.lhsNegatives;
                            int[] rn = chunk.rhsNegatives;
                            if (shared) {
                                for (int j = 0; j < 1000; j++) {
                                    ln[j] = random.nextInt(entities);
                                }
                                chunk.sharedNegatives(ln, 1000);
                            } else {
                                for (int j = 0; j < 1000; j++) {
                                    ln[j] = random.nextInt(entities);
                                    rn[j] = random.nextInt(entities);
                                }
                                chunk.negatives(ln, 1000, rn, 1000);
                            }
                            if (batch == null) {
                                step.train(chunk);
                            } else {
                                step.computeGradients(chunk);
                                batch.add(chunk, step.gradients);
                                if (batch.chunks() == settings.chunksPerStep()) {
                                    batch.flush();
                                }
                            }
                            if (counting) {
                                edges.addAndGet(50);
                            } else if (System.nanoTime() > warm) {
                                counting = true;
                                cpu0 = mx.getCurrentThreadCpuTime();
                            }
                        }
                        cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            double secs = (System.nanoTime() - start) / 1e9 - 2.0;
            System.out.printf("RESULT kernel dim=%d threads=%d batch=%d shared=%s: %,.0f edges/s, %,.0f edges per CPU-second "
                    + "(bare chunk step, FB15k shapes)%n", dim, threads, training.batchSize(), shared, edges.get() / secs, edges.get() / (cpuNanos.get() / 1e9));
        }
    }
}
