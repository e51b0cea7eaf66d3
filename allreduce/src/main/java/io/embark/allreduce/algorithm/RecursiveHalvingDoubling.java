package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;

/**
 * Rabenseifner's all-reduce: reduce-scatter by recursive halving, all-gather by recursive doubling.
 * With {@code p = 2^k}, reduce-scatter runs {@code k} steps; in the step at distance
 * {@code d = p/2, p/4, ..., 1} member {@code i} pairs with {@code i xor d}, keeps the half of its
 * current block range on its side of bit {@code d} and sends the other half, so it ends owning block
 * {@code i}. All-gather retraces the steps at {@code d = 1, 2, ..., p/2}. Each member sends
 * {@code 2(p-1)/p} of the data in {@code 2 log2 p} steps.
 *
 * <p>When {@code p} is not a power of two, the {@code r = p - 2^k} members above {@code 2^k} first
 * fold their whole vector into member {@code i - 2^k}, the {@code 2^k} core runs as above, and the
 * result goes back (two extra steps of the whole vector for those pairs). Reduce-scatter and
 * all-gather on their own need a power of two; {@link #supportsShards(int)} says so.
 */
public final class RecursiveHalvingDoubling implements ShardedCollective {

    @Override
    public String name() {
        return "halving-doubling";
    }

    @Override
    public boolean supportsShards(int size) {
        return Integer.bitCount(size) == 1;
    }

    @Override
    public void reduceScatter(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout, ReduceOp op) {
        int p = requirePowerOfTwo(group.size());
        int i = group.index();
        int lo = 0;
        int hi = p;
        for (int d = p / 2; d >= 1; d /= 2) {
            int mid = (lo + hi) / 2;
            int keepLo = (i & d) == 0 ? lo : mid;
            int keepHi = (i & d) == 0 ? mid : hi;
            int sendLo = (i & d) == 0 ? mid : lo;
            int sendHi = (i & d) == 0 ? hi : mid;
            int partner = group.rank(i ^ d);
            Exchange.sendRecv(ctx, buf,
                    partner, layout.blockOffset(sendLo), layout.rangeLength(sendLo, sendHi),
                    partner, layout.blockOffset(keepLo), layout.rangeLength(keepLo, keepHi), op.wireOp());
            lo = keepLo;
            hi = keepHi;
        }
    }

    @Override
    public void allGather(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout) {
        int p = requirePowerOfTwo(group.size());
        int i = group.index();
        for (int d = 1; d < p; d *= 2) {
            int mine = (i / d) * d;
            int theirs = mine ^ d;
            int partner = group.rank(i ^ d);
            Exchange.sendRecv(ctx, buf,
                    partner, layout.blockOffset(mine), layout.rangeLength(mine, mine + d),
                    partner, layout.blockOffset(theirs), layout.rangeLength(theirs, theirs + d), null);
        }
    }

    @Override
    public void allReduce(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op) {
        Folding.run(ctx, group, buf, off, len, op, core -> {
            BlockLayout layout = new BlockLayout(off, len, core.size());
            reduceScatter(ctx, core, buf, layout, op);
            allGather(ctx, core, buf, layout);
        });
    }

    private static int requirePowerOfTwo(int p) {
        if (Integer.bitCount(p) != 1) {
            throw new IllegalArgumentException("recursive halving needs a power-of-two group, got " + p);
        }
        return p;
    }
}
