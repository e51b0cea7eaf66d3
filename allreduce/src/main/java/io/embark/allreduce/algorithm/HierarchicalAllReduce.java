package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;
import io.embark.allreduce.topology.Topology;

import java.util.Arrays;

/**
 * BlueConnect: an all-reduce over {@code p = p1 x p2 x ... x pL} ranks becomes a reduce-scatter
 * inside each level-1 group, then a reduce-scatter across level 2 on the {@code 1/p1} shard each rank
 * now owns, and so on up; the outermost level all-reduces its {@code 1/(p1...p(L-1))} shard; then
 * all-gathers run back down in reverse order. All groups of a level run at the same time, each over
 * its own ranks, so level {@code l} moves {@code 2(pl-1)/pl x N/(p1...p(l-1))} bytes per rank.
 * Each level's algorithm comes from the {@link LevelPlanner} (ring, halving-doubling, or for the
 * outermost level also recursive doubling for tiny shards).
 *
 * <p>Worked example, {@code uniform(4, 2)} (2 hosts x 4 ranks), 8 elements: level 1 reduce-scatters
 * inside each host, so rank {@code 4h+j} owns element pair {@code j} summed over its host; level 2
 * all-reduces pair {@code j} between ranks {@code j} and {@code 4+j} (one element pair crosses the
 * hosts per rank, 1/4 of the data); level 1 all-gathers the pairs back inside each host.
 *
 * <p>When the topology is uneven (hosts with different rank counts, say), BlueConnect's shards do not
 * line up, so this falls back to a leader scheme that is correct for any shape: all-reduce inside each
 * level-1 group, the group leaders run this algorithm recursively over the remaining levels, and each
 * leader broadcasts the result back into its group.
 */
public final class HierarchicalAllReduce implements AllReduceAlgorithm {
    private final Topology topology;
    private final LevelPlanner planner;

    public HierarchicalAllReduce(Topology topology, LevelPlanner planner) {
        this.topology = topology;
        this.planner = planner;
    }

    @Override
    public String name() {
        return "hierarchical";
    }

    public Topology topology() {
        return topology;
    }

    @Override
    public void allReduce(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op) {
        if (group.size() != topology.size()) {
            throw new IllegalArgumentException("hierarchical all-reduce over " + group.size()
                    + " ranks with a topology of " + topology.size());
        }
        run(ctx, topology, group.members(), 0, group.index(), buf, off, len, op);
    }

    private void run(OpContext ctx, Topology topo, int[] ranks, int levelBase, int me,
                     ElementBuffer buf, int off, int len, ReduceOp op) {
        if (topo.isRegular()) {
            blueConnect(ctx, topo, ranks, levelBase, me, buf, off, len, op);
        } else {
            leaders(ctx, topo, ranks, levelBase, me, buf, off, len, op);
        }
    }

    private void blueConnect(OpContext ctx, Topology topo, int[] ranks, int levelBase, int me,
                             ElementBuffer buf, int off, int len, ReduceOp op) {
        int levels = topo.levels();
        Group[] groups = new Group[levels];
        BlockLayout[] layouts = new BlockLayout[levels];
        ShardedCollective[] algorithms = new ShardedCollective[levels];
        int regionOff = off;
        int regionLen = len;
        for (int l = 0; l < levels - 1; l++) {
            groups[l] = global(topo.blueConnectGroup(l, me), ranks);
            layouts[l] = new BlockLayout(regionOff, regionLen, groups[l].size());
            algorithms[l] = planner.sharded(levelBase + l, groups[l].size(), buf.bytes(regionLen));
            algorithms[l].reduceScatter(ctx, groups[l], buf, layouts[l], op);
            regionOff = layouts[l].blockOffset(groups[l].index());
            regionLen = layouts[l].blockLength(groups[l].index());
        }
        Group top = global(topo.blueConnectGroup(levels - 1, me), ranks);
        planner.allReduce(levelBase + levels - 1, top.size(), buf.bytes(regionLen))
                .allReduce(ctx, top, buf, regionOff, regionLen, op);
        for (int l = levels - 2; l >= 0; l--) {
            algorithms[l].allGather(ctx, groups[l], buf, layouts[l]);
        }
    }

    private void leaders(OpContext ctx, Topology topo, int[] ranks, int levelBase, int me,
                         ElementBuffer buf, int off, int len, ReduceOp op) {
        Group local = global(topo.levelGroup(0, me), ranks);
        planner.allReduce(levelBase, local.size(), buf.bytes(len)).allReduce(ctx, local, buf, off, len, op);
        if (topo.levels() == 1) {
            return;
        }
        int[] leaders = topo.leaders();
        int myLeaderIndex = Arrays.binarySearch(leaders, me);
        if (myLeaderIndex >= 0) {
            int[] leaderRanks = Arrays.stream(leaders).map(i -> ranks[i]).toArray();
            run(ctx, topo.leaderTopology(), leaderRanks, levelBase + 1, myLeaderIndex, buf, off, len, op);
        }
        Broadcast.run(ctx, local, buf, off, len, 0);
    }

    private static Group global(Group local, int[] ranks) {
        int[] m = local.members();
        int self = ranks[m[local.index()]];
        for (int i = 0; i < m.length; i++) {
            m[i] = ranks[m[i]];
        }
        return new Group(m, self);
    }
}
