package io.embark.embedding.bench;

import io.embark.partitioning.EdgeBlock;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The epoch's shuffle of a bucket's edges ({@link EdgeBlock#shuffle}): Fisher-Yates over the whole block
 * ({@code groupBits = 0}) against the two-pass shuffle the trainer uses (each edge to one of 2^groupBits groups, then
 * Fisher-Yates inside each; 10 is what a 10M-edge block gets), on the d-100 benchmark's one-partition bucket size.
 * {@code scripts/bench-kernels.sh ShuffleJmh}; results in docs/BENCHMARKS.md ("The epoch's input path").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class ShuffleJmh {

    @Param({"10000000"})
    public int edges;

    @Param({"0", "10"})
    public int groupBits;

    private EdgeBlock block;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup
    public void setUp() {
        block = new EdgeBlock(edges, false);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < edges; i++) {
            block.add(0, r.nextInt(1_000_000), r.nextInt(1_000_000));
        }
    }

    @Benchmark
    public int shuffle() {
        block.shuffle(random, groupBits);
        return block.lhs(0);
    }
}
