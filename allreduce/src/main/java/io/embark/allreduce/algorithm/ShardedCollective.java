package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;

/**
 * An algorithm that also has the two halves of a bandwidth-optimal all-reduce on their own:
 * reduce-scatter (member {@code i} ends owning block {@code i} of the layout, fully combined) and
 * all-gather (every member ends with every block). The hierarchical algorithm composes these per level.
 */
public interface ShardedCollective extends AllReduceAlgorithm {

    void reduceScatter(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout, ReduceOp op);

    void allGather(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout);

    /** Whether this algorithm can run reduce-scatter and all-gather over a group of {@code size}. */
    default boolean supportsShards(int size) {
        return true;
    }

    @Override
    default void allReduce(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op) {
        BlockLayout layout = new BlockLayout(off, len, group.size());
        reduceScatter(ctx, group, buf, layout, op);
        allGather(ctx, group, buf, layout);
    }
}
