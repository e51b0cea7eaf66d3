package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;

/**
 * The ring: member {@code i} only ever sends to {@code i+1} and receives from {@code i-1}.
 * Reduce-scatter takes {@code p-1} steps; in step {@code s} member {@code i} sends block
 * {@code (i-s-1) mod p} and combines the incoming block {@code (i-s-2) mod p}, ending with block
 * {@code i}. All-gather takes {@code p-1} steps passing the finished blocks along. Each member sends
 * {@code 2(p-1)/p} of the data in {@code 2(p-1)} steps: bandwidth-optimal, latency linear in {@code p}.
 * Works for any {@code p}. Every step is segmented and pipelined by {@link Exchange}.
 */
public final class RingAllReduce implements ShardedCollective {

    @Override
    public String name() {
        return "ring";
    }

    @Override
    public void reduceScatter(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout, ReduceOp op) {
        int p = group.size();
        int i = group.index();
        for (int s = 0; s < p - 1; s++) {
            int sendBlock = Math.floorMod(i - s - 1, p);
            int recvBlock = Math.floorMod(i - s - 2, p);
            Exchange.sendRecv(ctx, buf,
                    group.ringRank(i + 1), layout.blockOffset(sendBlock), layout.blockLength(sendBlock),
                    group.ringRank(i - 1), layout.blockOffset(recvBlock), layout.blockLength(recvBlock), op.wireOp());
        }
    }

    @Override
    public void allGather(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout) {
        int p = group.size();
        int i = group.index();
        for (int s = 0; s < p - 1; s++) {
            int sendBlock = Math.floorMod(i - s, p);
            int recvBlock = Math.floorMod(i - s - 1, p);
            Exchange.sendRecv(ctx, buf,
                    group.ringRank(i + 1), layout.blockOffset(sendBlock), layout.blockLength(sendBlock),
                    group.ringRank(i - 1), layout.blockOffset(recvBlock), layout.blockLength(recvBlock), null);
        }
    }
}
