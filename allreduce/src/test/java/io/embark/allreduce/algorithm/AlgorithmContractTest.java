package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.cost.CostModel;
import io.embark.allreduce.cost.CostModelPlanner;
import io.embark.allreduce.testing.Ranks;
import io.embark.allreduce.testing.Reference;
import io.embark.allreduce.testing.Worlds;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.Deadline;
import io.embark.allreduce.transport.Transport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The contract every algorithm must keep over every transport: for world sizes 1..16 and element
 * counts 0, 1, 7, 1000 and 1,000,003 (not divisible by anything interesting), every rank ends with the
 * reduction of all ranks' inputs (checked against a reference computed in double), and all ranks
 * hold bit-identical results.
 *
 * <p>The 1,000,003-element case runs for a subset of world sizes to keep the module's tests at a few
 * minutes on two cores; {@code -Dallreduce.fullMatrix=true} runs it for every world size.
 */
class AlgorithmContractTest {
    private static final int BIG = 1_000_003;
    private static final boolean FULL = Boolean.getBoolean("allreduce.fullMatrix");
    private static final Set<Integer> BIG_IN_PROCESS = Set.of(1, 2, 3, 5, 8, 16);
    private static final Set<Integer> BIG_TCP = Set.of(2, 3, 4);
    private static final AtomicLong TAGS = new AtomicLong();

    static Stream<Arguments> worlds() {
        List<Arguments> out = new ArrayList<>();
        for (Worlds.Kind kind : Worlds.Kind.values()) {
            for (int p = 1; p <= 16; p++) {
                out.add(Arguments.of(kind, p));
            }
        }
        return out.stream();
    }

    /** Every algorithm that can run over p ranks, by name. */
    static Map<String, AllReduceAlgorithm> algorithms(int p) {
        CostModelPlanner planner = new CostModelPlanner(CostModel.uniform(CostModel.LOOPBACK_TCP));
        Map<String, AllReduceAlgorithm> m = new LinkedHashMap<>();
        m.put("ring", new RingAllReduce());
        m.put("halving-doubling", new RecursiveHalvingDoubling());
        m.put("recursive-doubling", new RecursiveDoublingAllReduce());
        m.put("direct", new DirectAllReduce());
        Topology even = p % 2 == 0 && p >= 4 ? Topology.uniform(2, p / 2) : Topology.flat(p);
        m.put("hierarchical " + even, new HierarchicalAllReduce(even, planner));
        m.put("hierarchical-ring " + even, new HierarchicalAllReduce(even, LevelPlanner.fixed(new RingAllReduce())));
        // direct at every level: shared windows of disjoint groups under one tag, and offset layouts
        m.put("hierarchical-direct " + even, new HierarchicalAllReduce(even, LevelPlanner.fixed(new DirectAllReduce())));
        int[] threes = new int[p];
        for (int r = 0; r < p; r++) {
            threes[r] = r / 3;
        }
        Topology uneven = Topology.of(List.of("host"), List.of(threes));
        m.put("hierarchical " + uneven, new HierarchicalAllReduce(uneven, planner));
        if (p % 4 == 0 && p >= 8) {
            Topology three = Topology.uniform(2, 2, p / 4);
            m.put("hierarchical " + three, new HierarchicalAllReduce(three, planner));
        }
        return m;
    }

    @ParameterizedTest(name = "{0} x {1} ranks")
    @MethodSource("worlds")
    @Timeout(180)
    void allReduceMatchesReference(Worlds.Kind kind, int p) {
        List<Transport> ts = Worlds.open(kind, p);
        try {
            List<Integer> counts = new ArrayList<>(List.of(0, 1, 7, 1000));
            if (FULL || (kind == Worlds.Kind.IN_PROCESS ? BIG_IN_PROCESS : BIG_TCP).contains(p)) {
                counts.add(BIG);
            }
            for (Map.Entry<String, AllReduceAlgorithm> a : algorithms(p).entrySet()) {
                for (int n : counts) {
                    for (ReduceOp op : List.of(ReduceOp.SUM, ReduceOp.MAX)) {
                        String what = kind + " " + a.getKey() + " p=" + p + " n=" + n + " " + op;
                        runFloats(what, ts, a.getValue(), n, op);
                        if (n <= 1000) {
                            runDoubles(what + " double", ts, a.getValue(), n, op);
                        }
                    }
                }
            }
        } finally {
            Worlds.closeAll(ts);
        }
    }

    @ParameterizedTest(name = "{0} x {1} ranks")
    @MethodSource("worlds")
    @Timeout(120)
    void reduceScatterThenAllGather(Worlds.Kind kind, int p) {
        List<Transport> ts = Worlds.open(kind, p);
        try {
            List<ShardedCollective> algos = new ArrayList<>(List.of(new RingAllReduce(), new DirectAllReduce()));
            if (Integer.bitCount(p) == 1) {
                algos.add(new RecursiveHalvingDoubling());
            }
            for (ShardedCollective algo : algos) {
                for (int n : List.of(0, 1, 7, 1000)) {
                    String what = kind + " " + algo.name() + " p=" + p + " n=" + n;
                    double[][] inputs = new double[p][];
                    for (int r = 0; r < p; r++) {
                        inputs[r] = Reference.widen(Reference.floats(r, n, 3));
                    }
                    double[] abs = new double[n];
                    double[] expected = Reference.reduce(inputs, ReduceOp.SUM, abs);
                    long tag = TAGS.incrementAndGet();
                    List<float[]> after = Ranks.run(p, Duration.ofSeconds(60), r -> {
                        float[] data = Reference.floats(r, n, 3);
                        ElementBuffer buf = ElementBuffer.of(data);
                        BlockLayout layout = new BlockLayout(0, n, p);
                        Group g = Group.world(p, r);
                        algo.reduceScatter(ctx(ts.get(r), tag, 100), g, buf, layout, ReduceOp.SUM);
                        // my block is final now; check it before the gather overwrites the rest
                        double[] mine = Reference.widen(Arrays.copyOfRange(data, layout.blockOffset(r),
                                layout.blockOffset(r) + layout.blockLength(r)));
                        double[] exp = Arrays.copyOfRange(expected, layout.blockOffset(r),
                                layout.blockOffset(r) + layout.blockLength(r));
                        double[] ab = Arrays.copyOfRange(abs, layout.blockOffset(r), layout.blockOffset(r) + layout.blockLength(r));
                        Reference.check(what + " reduce-scatter block of rank " + r, exp, ab, mine, 1e-6 * p);
                        algo.allGather(ctx(ts.get(r), tag, 100), g, buf, layout);
                        return data;
                    });
                    for (int r = 0; r < p; r++) {
                        Reference.check(what + " all-gather rank " + r, expected, abs, Reference.widen(after.get(r)), 1e-6 * p);
                        assertArrayEquals(after.get(0), after.get(r), what + ": rank " + r + " differs from rank 0");
                    }
                }
            }
        } finally {
            Worlds.closeAll(ts);
        }
    }

    private static OpContext ctx(Transport t, long tag, int segmentElements) {
        return new OpContext(t, tag, Deadline.after(Duration.ofSeconds(60), "rank " + t.rank() + " test op " + tag),
                segmentElements, 4);
    }

    private static void runFloats(String what, List<Transport> ts, AllReduceAlgorithm algo, int n, ReduceOp op) {
        int p = ts.size();
        double[][] inputs = new double[p][];
        for (int r = 0; r < p; r++) {
            inputs[r] = Reference.widen(Reference.floats(r, n, n + 11));
        }
        double[] abs = new double[n];
        double[] expected = Reference.reduce(inputs, op, abs);
        long tag = TAGS.incrementAndGet();
        int seg = n > 1000 ? 1 << 16 : 100;
        List<float[]> out = Ranks.run(p, Duration.ofSeconds(120), r -> {
            float[] data = Reference.floats(r, n, n + 11);
            algo.allReduce(ctx(ts.get(r), tag, seg), Group.world(p, r), ElementBuffer.of(data), 0, n, op);
            return data;
        });
        for (int r = 0; r < p; r++) {
            Reference.check(what + " rank " + r, expected, abs, Reference.widen(out.get(r)), op == ReduceOp.MAX ? 0 : 1e-6 * p);
            if (r > 0 && !Arrays.equals(out.get(0), out.get(r))) {
                throw new AssertionError(what + ": rank " + r + " is not bit-identical to rank 0");
            }
        }
    }

    private static void runDoubles(String what, List<Transport> ts, AllReduceAlgorithm algo, int n, ReduceOp op) {
        int p = ts.size();
        double[][] inputs = new double[p][];
        for (int r = 0; r < p; r++) {
            inputs[r] = Reference.doubles(r, n, n + 5);
        }
        double[] abs = new double[n];
        double[] expected = Reference.reduce(inputs, op, abs);
        long tag = TAGS.incrementAndGet();
        List<double[]> out = Ranks.run(p, Duration.ofSeconds(120), r -> {
            double[] data = Reference.doubles(r, n, n + 5);
            algo.allReduce(ctx(ts.get(r), tag, 64), Group.world(p, r), ElementBuffer.of(data), 0, n, op);
            return data;
        });
        for (int r = 0; r < p; r++) {
            Reference.check(what + " rank " + r, expected, abs, out.get(r), op == ReduceOp.MAX ? 0 : 1e-14 * p);
            if (r > 0 && !Arrays.equals(out.get(0), out.get(r))) {
                throw new AssertionError(what + ": rank " + r + " is not bit-identical to rank 0");
            }
        }
    }
}
