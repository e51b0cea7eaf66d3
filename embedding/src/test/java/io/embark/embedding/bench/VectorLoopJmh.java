package io.embark.embedding.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why {@code VectorMath}'s loops start their running vectors from {@code FloatVector.zero(F)} and never from a static
 * final constant: the same loop (load, subtract, store, add into a running sum) over 960 floats, its sum started from a
 * constant ({@link #fromConstant}) or from a zero made in the method ({@link #fromZero}). On JDK 17 C2 boxes the first
 * one's running vector at every iteration; {@code scripts/bench-kernels.sh -prof gc VectorLoopJmh} shows it as
 * {@code gc.alloc.rate.norm} (bytes per op) beside the time. Results in docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-modules=jdk.incubator.vector"})
public class VectorLoopJmh {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ZERO = FloatVector.zero(F);
    private static final int N = 960;

    private final float[] s = new float[N];
    private final float[] g = new float[N];

    public VectorLoopJmh() {
        for (int i = 0; i < N; i++) {
            s[i] = i * 0.001f;
        }
    }

    @Benchmark
    public float fromConstant() {
        FloatVector sum = ZERO;
        for (int j = 0; j + F.length() <= N; j += F.length()) {
            FloatVector e = FloatVector.fromArray(F, s, j).sub(1f);
            e.intoArray(g, j);
            sum = e.add(sum);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float fromZero() {
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j + F.length() <= N; j += F.length()) {
            FloatVector e = FloatVector.fromArray(F, s, j).sub(1f);
            e.intoArray(g, j);
            sum = e.add(sum);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
