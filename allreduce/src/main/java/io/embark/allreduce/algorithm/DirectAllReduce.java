package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.buffer.SharedReduction;
import io.embark.allreduce.topology.BlockLayout;
import io.embark.allreduce.topology.Group;
import io.embark.allreduce.transport.SharedBuffers;
import io.embark.allreduce.transport.SharedWindow;

import java.util.Optional;

/**
 * Every member owns one block of the layout and combines it straight from every other member: the
 * "direct" schedule. Where the transport lets the group share memory ({@link SharedBuffers}, ranks
 * that are threads of one JVM) there are no messages at all: the members open a {@link SharedWindow}
 * on each other's buffers, member {@code i} reduces block {@code i} out of all {@code p} buffers and
 * writes the result back into all of them, and the window closes. Each element of each buffer is
 * read once and written once (two passes over memory per rank in total, against three passes for
 * a ring's combine-then-copy), and the only synchronization is the window's opening and closing.
 *
 * <p>Worked example, 2 threads, 8 elements: thread 0 computes {@code a[0..4) + b[0..4)} and stores
 * the sums into both {@code a} and {@code b}; thread 1 does the same for {@code [4..8)}; both wait
 * for each other and return.
 *
 * <p>Over a message-passing transport the same ownership runs as a pairwise exchange: in step
 * {@code k = 1..p-1} member {@code i} sends block {@code i+k} to member {@code i+k} and combines the
 * copy of its own block arriving from member {@code i-k}; the all-gather then sends the owned block
 * the same way. {@code 2(p-1)} steps, {@code 2(p-1)/p N} bytes per member, like the ring, but every
 * step talks to a different peer.
 *
 * <p>A member that fails inside the window does not close it: the failure aborts the job, which
 * wakes the others out of their wait with the cause.
 *
 * <p>Every element is reduced once, by its owner, and copied everywhere else, so all members end
 * bit-identical.
 */
public final class DirectAllReduce implements ShardedCollective {

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public void allReduce(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op) {
        Optional<SharedBuffers> shared = ctx.transport().sharedBuffers();
        if (shared.isEmpty() || group.size() == 1) {
            ShardedCollective.super.allReduce(ctx, group, buf, off, len, op);
            return;
        }
        SharedWindow w = shared.get().open(ctx.tag(), group.members(), group.index(), buf, off, len, ctx.deadline());
        BlockLayout layout = new BlockLayout(0, len, group.size());
        int mine = group.index();
        SharedReduction.reduceEverywhere(w.buffers(), shifted(w, layout.blockOffset(mine)), layout.blockLength(mine), op);
        w.close(ctx.deadline());
    }

    @Override
    public void reduceScatter(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout, ReduceOp op) {
        int p = group.size();
        int i = group.index();
        if (p == 1) {
            return;
        }
        Optional<SharedBuffers> shared = ctx.transport().sharedBuffers();
        if (shared.isPresent()) {
            SharedWindow w = shared.get().open(ctx.tag(), group.members(), i, buf, layout.offset(), layout.length(),
                    ctx.deadline());
            SharedReduction.reduceInto(w.buffers(), shifted(w, layout.blockOffset(i) - layout.offset()),
                    layout.blockLength(i), op, i);
            w.close(ctx.deadline());
            return;
        }
        for (int k = 1; k < p; k++) {
            int to = Math.floorMod(i + k, p);
            Exchange.sendRecv(ctx, buf,
                    group.rank(to), layout.blockOffset(to), layout.blockLength(to),
                    group.ringRank(i - k), layout.blockOffset(i), layout.blockLength(i), op.wireOp());
        }
    }

    @Override
    public void allGather(OpContext ctx, Group group, ElementBuffer buf, BlockLayout layout) {
        int p = group.size();
        int i = group.index();
        if (p == 1) {
            return;
        }
        Optional<SharedBuffers> shared = ctx.transport().sharedBuffers();
        if (shared.isPresent()) {
            SharedWindow w = shared.get().open(ctx.tag(), group.members(), i, buf, layout.offset(), layout.length(),
                    ctx.deadline());
            for (int k = 1; k < p; k++) {
                int j = Math.floorMod(i + k, p);
                int rel = layout.blockOffset(j) - layout.offset();
                buf.copyFrom(w.buffer(j), w.offset(j) + rel, layout.blockOffset(j), layout.blockLength(j));
            }
            w.close(ctx.deadline());
            return;
        }
        for (int k = 1; k < p; k++) {
            int from = Math.floorMod(i - k, p);
            Exchange.sendRecv(ctx, buf,
                    group.ringRank(i + k), layout.blockOffset(i), layout.blockLength(i),
                    group.rank(from), layout.blockOffset(from), layout.blockLength(from), null);
        }
    }

    /** Every member's offset of the element {@code rel} elements into its published range. */
    private static int[] shifted(SharedWindow w, int rel) {
        int[] o = w.offsets();
        for (int j = 0; j < o.length; j++) {
            o[j] += rel;
        }
        return o;
    }
}
