package io.embark.allreduce.cost;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.algorithm.OpContext;
import io.embark.allreduce.algorithm.RingAllReduce;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Group;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures alpha and beta of every topology level at start-up: the first two members of each
 * level's group ping-pong a tiny message (alpha = half the round trip) and a 1 MiB message (beta from
 * the rest), then one all-reduce (max) over the world makes every rank plan with the same, most
 * pessimistic, numbers. A collective: every rank must call it.
 */
public final class CostCalibration {
    private static final int SMALL_REPS = 30;
    private static final int BIG_ELEMENTS = 128 * 1024;
    private static final int BIG_REPS = 4;

    private CostCalibration() {
    }

    public static CostModel measure(OpContext ctx, Topology topology) {
        Transport t = ctx.transport();
        int levels = topology.levels();
        double[] measured = new double[2 * levels];
        for (int l = 0; l < levels; l++) {
            Group g = topology.isRegular() ? topology.blueConnectGroup(l, t.rank()) : topology.levelGroup(l, t.rank());
            if (g.size() < 2 || g.index() > 1) {
                continue;
            }
            int peer = g.rank(1 - g.index());
            boolean first = g.index() == 0;
            ElementBuffer small = ElementBuffer.of(new double[1]);
            ElementBuffer big = ElementBuffer.of(new double[BIG_ELEMENTS]);
            pingPong(ctx, peer, first, small, 5);
            long t0 = System.nanoTime();
            pingPong(ctx, peer, first, small, SMALL_REPS);
            double alpha = (System.nanoTime() - t0) * 1e-9 / SMALL_REPS / 2;
            pingPong(ctx, peer, first, big, 1);
            t0 = System.nanoTime();
            pingPong(ctx, peer, first, big, BIG_REPS);
            double oneWay = (System.nanoTime() - t0) * 1e-9 / BIG_REPS / 2;
            measured[2 * l] = alpha;
            measured[2 * l + 1] = Math.max(1e-13, (oneWay - alpha) / (BIG_ELEMENTS * 8.0));
        }
        if (t.size() > 1) {
            new RingAllReduce().allReduce(ctx, Group.world(t.size(), t.rank()), ElementBuffer.of(measured),
                    0, measured.length, ReduceOp.MAX);
        }
        List<LinkCost> costs = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            costs.add(measured[2 * l + 1] > 0 ? new LinkCost(measured[2 * l], measured[2 * l + 1]) : CostModel.LOOPBACK_TCP);
        }
        return new CostModel(costs, List.of());
    }

    private static void pingPong(OpContext ctx, int peer, boolean first, ElementBuffer buf, int reps) {
        Transport t = ctx.transport();
        int n = buf.length();
        for (int i = 0; i < reps; i++) {
            if (first) {
                t.send(peer, ctx.tag(), buf, 0, n).await(ctx.deadline());
                t.recv(peer, ctx.tag(), buf, 0, n).await(ctx.deadline());
            } else {
                t.recv(peer, ctx.tag(), buf, 0, n).await(ctx.deadline());
                t.send(peer, ctx.tag(), buf, 0, n).await(ctx.deadline());
            }
        }
    }
}
