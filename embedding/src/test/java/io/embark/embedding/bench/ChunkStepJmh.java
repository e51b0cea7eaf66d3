package io.embark.embedding.bench;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepDriver;
import io.embark.embedding.kernel.Chunk;
import io.embark.embedding.kernel.ChunkStep;
import io.embark.embedding.kernel.Nd4jChunkStep;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.math.FloatMath;
import io.embark.embedding.model.Loss;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.optim.Adagrad;
import io.embark.embedding.storage.EmbeddingTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the training kernels with PyTorch-BigGraph's FB15k shapes: 14,541 entities, 237 relations,
 * complex_diagonal + dot + softmax, a chunk of 50 edges with 1000 uniform negatives per side, one thread. One operation
 * = one chunk (50 edges: edges/s = 50 x ops/s) or one of its parts:
 * <ul>
 *   <li>{@code step}: the whole chunk step, {@code impl} blas ({@link BlasChunkStep}) or nd4j ({@link Nd4jChunkStep});</li>
 *   <li>{@code adagradRows}: the row-wise Adagrad of the 2,100 rows a chunk touches (random rows of the table);</li>
 *   <li>{@code softmaxRows}: the softmax loss and its gradient over one direction's 50 x 1,050 scores.</li>
 * </ul>
 * Run with {@code scripts/bench-kernels.sh} (which sets OPENBLAS_CORETYPE for this CPU); results in docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class ChunkStepJmh {

    static final int ENTITIES = 14_541;
    static final int RELATIONS = 237;
    static final int CHUNK = 50;
    static final int UNIFORM = 1000;

    @Param({"400", "100"})
    public int dim;

    @Param({"blas"})
    public String impl;

    private EmbeddingTable table;
    private StepDriver step;
    private Chunk chunk;
    private SplittableRandom random;
    private int[] rows;
    private float[] grads;
    private float[] scores;
    private float[] g;
    private boolean[] valid;

    @Setup(Level.Trial)
    public void setUp() {
        System.err.println("FloatMath.SIMD=" + FloatMath.SIMD);
        ModelConfig model = ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        TrainingConfig training = TrainingConfig.defaults(1, NegativesConfig.pbg(CHUNK, UNIFORM)).withLoss(LossType.SOFTMAX, 0.1);
        List<String> names = new ArrayList<>(Collections.nCopies(RELATIONS, "r"));
        int[] dims = new int[RELATIONS];
        Arrays.fill(dims, dim);
        RelationParameters relations = RelationParameters.create(model, names, dims);
        random = new SplittableRandom(1);
        table = EmbeddingTable.random("e", 0, ENTITIES, dim, 1e-3, random);
        StepSettings settings = StepSettings.of(model, training);
        step = impl.equals("nd4j") ? StepDriver.nd4j(relations, settings, CHUNK, UNIFORM, dim) : StepDriver.blas(relations, settings, CHUNK, UNIFORM, dim);
        chunk = new Chunk(CHUNK, UNIFORM);
        chunk.lhsTable = table;
        chunk.rhsTable = table;
        int touched = 2 * (CHUNK + UNIFORM);
        rows = new int[touched];
        grads = new float[touched * dim];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = (float) (random.nextGaussian() * 1e-3);
        }
        int m = CHUNK + UNIFORM;
        scores = new float[CHUNK * m];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) random.nextGaussian();
        }
        g = new float[CHUNK * m];
        valid = new boolean[m];
        Arrays.fill(valid, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
    }

    /** A fresh random chunk before every call, as the trainer's sampling would give. */
    @Setup(Level.Invocation)
    public void nextChunk() {
        chunk.clear();
        for (int i = 0; i < CHUNK; i++) {
            chunk.add(random.nextInt(RELATIONS), random.nextInt(ENTITIES), random.nextInt(ENTITIES), 1f);
        }
        int[] ln = chunk.lhsNegatives;
        int[] rn = chunk.rhsNegatives;
        for (int j = 0; j < UNIFORM; j++) {
            ln[j] = random.nextInt(ENTITIES);
            rn[j] = random.nextInt(ENTITIES);
        }
        chunk.negatives(ln, UNIFORM, rn, UNIFORM);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = random.nextInt(ENTITIES);
        }
    }

    @Benchmark
    public double step() {
        return step.train(chunk);
    }

    @Benchmark
    public float[] adagradRows() {
        for (int i = 0; i < rows.length; i++) {
            Adagrad.rowUpdate(table, rows[i], grads, i * dim, 0.01f, 0f);
        }
        return table.segmentData(0);
    }

    @Benchmark
    public double softmaxRows() {
        int m = CHUNK + UNIFORM;
        double loss = 0;
        for (int i = 0; i < CHUNK; i++) {
            loss += Loss.SOFTMAX.row(scores, i * m, m, i, valid, 1f, 0.1f, g, i * m);
        }
        return loss;
    }
}
