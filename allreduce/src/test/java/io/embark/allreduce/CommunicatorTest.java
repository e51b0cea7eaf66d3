package io.embark.allreduce;

import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.testing.Ranks;
import io.embark.allreduce.testing.Reference;
import io.embark.allreduce.testing.Worlds;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.InProcessFabric;
import io.embark.allreduce.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API over both transports: every operation, element type, buffer kind, and the async forms. */
class CommunicatorTest {
    private static final Duration T = Duration.ofSeconds(60);

    static List<Communicator> open(Worlds.Kind kind, int p, Topology topo, CommunicatorOptions o) {
        List<Transport> ts = Worlds.open(kind, p);
        // built concurrently: with measured costs, construction is itself a collective
        return Ranks.run(p, T, r ->
                Communicator.builder().rank(r).worldSize(p).topology(topo).transport(ts.get(r)).options(o).build());
    }

    static void closeAll(List<Communicator> cs) {
        Ranks.run(cs.size(), T, r -> {
            cs.get(r).close();
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(Worlds.Kind.class)
    @Timeout(60)
    void everyBufferKindAndOperator(Worlds.Kind kind) {
        int p = 4;
        int n = 1001;
        List<Communicator> cs = open(kind, p, Topology.uniform(2, 2), CommunicatorOptions.defaults().withSegmentBytes(512));
        try {
            double[][] in = new double[p][];
            for (int r = 0; r < p; r++) {
                in[r] = Reference.widen(Reference.floats(r, n, 1));
            }
            double[] abs = new double[n];
            double[] mean = Reference.reduce(in, ReduceOp.MEAN, abs);
            double[] max = Reference.reduce(in, ReduceOp.MAX, new double[n]);
            double[] sum = Reference.reduce(in, ReduceOp.SUM, new double[n]);
            Ranks.run(p, T, r -> {
                Communicator c = cs.get(r);
                float[] a = Reference.floats(r, n, 1);
                c.allReduce(a, ReduceOp.MEAN);
                Reference.check("float[] mean", mean, abs, Reference.widen(a), 1e-6);

                double[] d = Reference.widen(Reference.floats(r, n, 1));
                c.allReduce(d, ReduceOp.MAX);
                assertArrayEquals(max, d, 0.0, "double[] max");

                FloatBuffer fb = ByteBuffer.allocateDirect(n * 4 + 8).order(ByteOrder.nativeOrder()).asFloatBuffer();
                fb.position(1);
                fb.put(Reference.floats(r, n, 1));
                fb.position(1).limit(1 + n);
                c.allReduce(fb, ReduceOp.SUM);
                assertEquals(1, fb.position(), "position untouched");
                float[] back = new float[n];
                fb.get(1, back);
                Reference.check("direct FloatBuffer sum", sum, abs, Reference.widen(back), 4e-6);

                DoubleBuffer db = DoubleBuffer.wrap(Reference.widen(Reference.floats(r, n, 1)));
                c.allReduce(db, ReduceOp.SUM);
                Reference.check("heap DoubleBuffer sum", sum, abs, db.array(), 1e-12);

                ByteBuffer bb = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(Reference.floats(r, n, 1));
                c.allReduce(bb, DataType.FLOAT32, ReduceOp.SUM);
                bb.asFloatBuffer().get(back);
                Reference.check("direct little-endian ByteBuffer sum", sum, abs, Reference.widen(back), 4e-6);
                return null;
            });
        } finally {
            closeAll(cs);
        }
    }

    @ParameterizedTest
    @EnumSource(Worlds.Kind.class)
    @Timeout(60)
    void reduceScatterAllGatherBroadcastBarrier(Worlds.Kind kind) {
        int p = 5;
        int n = 23;
        List<Communicator> cs = open(kind, p, Topology.flat(p), CommunicatorOptions.defaults());
        AtomicInteger arrived = new AtomicInteger();
        try {
            Ranks.run(p, T, r -> {
                Communicator c = cs.get(r);
                double[] x = new double[n];
                Arrays.fill(x, r + 1);
                Shard s = c.reduceScatter(x, ReduceOp.SUM);
                assertEquals(c.layout(n).blockOffset(r), s.offset());
                assertEquals(c.layout(n).blockLength(r), s.length());
                for (int i = s.offset(); i < s.offset() + s.length(); i++) {
                    assertEquals(15.0, x[i], "reduce-scatter block of rank " + r); // 1+2+3+4+5
                }
                float[] g = new float[n];
                for (int i = c.layout(n).blockOffset(r); i < c.layout(n).blockOffset(r + 1); i++) {
                    g[i] = i;
                }
                c.allGather(g);
                for (int i = 0; i < n; i++) {
                    assertEquals(i, g[i], "all-gather element " + i);
                }
                float[] b = new float[n];
                if (r == 3) {
                    Arrays.fill(b, 7f);
                }
                c.broadcast(b, 3);
                assertEquals(7f, b[n - 1]);
                ByteBuffer bytes = ByteBuffer.allocate(5);
                if (r == 0) {
                    bytes.put(new byte[] {1, 2, 3, 4, 5}).flip();
                }
                c.broadcast(bytes, 0);
                assertEquals(5, bytes.get(4));
                arrived.incrementAndGet();
                c.barrier();
                assertEquals(p, arrived.get(), "nobody leaves the barrier before all arrived");
                return null;
            });
        } finally {
            closeAll(cs);
        }
    }

    @ParameterizedTest
    @EnumSource(Worlds.Kind.class)
    @Timeout(60)
    void severalOperationsInFlight(Worlds.Kind kind) {
        int p = 3;
        List<Communicator> cs = open(kind, p, Topology.flat(p), CommunicatorOptions.defaults().withAsyncThreads(4));
        try {
            Ranks.run(p, T, r -> {
                Communicator c = cs.get(r);
                // explicit tags, issued in a different order on odd ranks
                float[][] data = new float[4][];
                List<CompletableFuture<Void>> fs = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    int tag = r % 2 == 0 ? k : 3 - k;
                    data[tag] = new float[10_000];
                    Arrays.fill(data[tag], tag + 1);
                    fs.add(c.allReduceAsync(ElementBuffer.of(data[tag]), ReduceOp.SUM, tag));
                }
                // auto-tagged async and blocking operations interleaved with them
                double[] auto = {r};
                CompletableFuture<Void> a = c.allReduceAsync(auto, ReduceOp.MAX);
                double[] blocking = {1};
                c.allReduce(blocking, ReduceOp.SUM);
                a.join();
                fs.forEach(CompletableFuture::join);
                for (int tag = 0; tag < 4; tag++) {
                    assertEquals(3f * (tag + 1), data[tag][9_999], "tag " + tag);
                }
                assertEquals(p - 1, auto[0]);
                assertEquals(p, blocking[0]);
                return null;
            });
        } finally {
            closeAll(cs);
        }
    }

    @Test
    @Timeout(60)
    void unevenHierarchyMeanAndMeasuredCosts() {
        // hosts with 3, 2 and 1 ranks: BlueConnect's shards do not line up, the leader fallback runs
        Topology t = Topology.of(List.of("host"), List.of(new int[] {0, 0, 0, 1, 1, 2}));
        List<Communicator> cs = open(Worlds.Kind.TCP, 6, t,
                CommunicatorOptions.defaults().withCosts(CostModelChoice.measured()));
        try {
            Ranks.run(6, T, r -> {
                Communicator c = cs.get(r);
                assertTrue(c.costModel().level(0).alphaSeconds() > 0, "measured alpha");
                double[] x = {r, 2 * r};
                c.allReduce(x, ReduceOp.MEAN);
                assertEquals(2.5, x[0], 1e-12);
                assertEquals(5.0, x[1], 1e-12);
                return null;
            });
        } finally {
            closeAll(cs);
        }
    }

    @Test
    void builderAndOptionsNameTheBadValue() {
        InProcessFabric f = new InProcessFabric(2);
        Transport t0 = f.transport(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Communicator.builder().rank(1).worldSize(2).transport(t0).build());
        assertTrue(e.getMessage().contains("transport is rank 0 of 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Communicator.builder().transport(t0).topology(Topology.flat(3)).build());
        assertTrue(e.getMessage().contains("topology has 3 ranks"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CommunicatorOptions.defaults().withTimeout(Duration.ZERO));
        assertEquals("allreduce.timeout: PT0S (expected > 0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CommunicatorOptions.defaults().withPipelineDepth(0));
        assertEquals("allreduce.pipelineDepth: 0 (expected >= 1)", e.getMessage());
        try (Communicator c = Communicator.builder().transport(t0).build()) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> c.allReduce(ElementBuffer.of(new float[1]), ReduceOp.SUM, -1));
            assertTrue(e.getMessage().startsWith("tag: -1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.broadcast(new float[1], 2));
        }
        f.transport(1).close();
    }

    @Test
    @Timeout(30)
    void singleRankIsTheIdentity() {
        InProcessFabric f = new InProcessFabric(1);
        try (Communicator c = Communicator.builder().transport(f.transport(0)).build()) {
            float[] x = {1, 2, 3};
            c.allReduce(x, ReduceOp.MEAN);
            c.barrier();
            c.broadcast(x, 0);
            assertArrayEquals(new float[] {1, 2, 3}, x);
        }
    }
}
