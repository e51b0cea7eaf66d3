package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Group;

/**
 * For tiny messages: {@code log2 p} steps, in each of which member {@code i} swaps its whole vector
 * with member {@code i xor d} ({@code d = 1, 2, 4, ...}) and combines. Fewest steps of any
 * algorithm, but every step moves the whole vector, so it only wins while latency dominates. Non
 * powers of two fold into a power-of-two core first. Both partners compute {@code a+b} and
 * {@code b+a}, which IEEE arithmetic makes equal, so all members stay bit-identical.
 */
public final class RecursiveDoublingAllReduce implements AllReduceAlgorithm {

    @Override
    public String name() {
        return "recursive-doubling";
    }

    @Override
    public void allReduce(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op) {
        Folding.run(ctx, group, buf, off, len, op, core -> {
            int i = core.index();
            for (int d = 1; d < core.size(); d *= 2) {
                int partner = core.rank(i ^ d);
                ElementBuffer mine = buf.copyOf(off, len);
                Exchange.sendRecv(ctx, partner, mine, 0, len, partner, buf, off, len, op.wireOp());
            }
        });
    }
}
