package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Group;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reduces a group of any size to a power-of-two core: with {@code p = 2^k + r}, member
 * {@code 2^k + j} sends its whole range to member {@code j}, which combines it; the core of the first
 * {@code 2^k} members runs the power-of-two algorithm; then member {@code j} sends the result back.
 */
final class Folding {
    private Folding() {
    }

    static void run(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op,
                    Consumer<Group> coreAlgorithm) {
        int p = group.size();
        int core = Integer.highestOneBit(p);
        int i = group.index();
        if (i >= core) {
            int partner = group.rank(i - core);
            Exchange.send(ctx, partner, buf, off, len);
            Exchange.recv(ctx, partner, buf, off, len, null);
            return;
        }
        boolean hasExtra = i + core < p;
        if (hasExtra) {
            Exchange.recv(ctx, group.rank(i + core), buf, off, len, op.wireOp());
        }
        int[] members = Arrays.copyOf(group.members(), core);
        coreAlgorithm.accept(new Group(members, group.rank(i)));
        if (hasExtra) {
            Exchange.send(ctx, group.rank(i + core), buf, off, len);
        }
    }
}
