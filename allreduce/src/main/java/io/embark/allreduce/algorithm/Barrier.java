package io.embark.allreduce.algorithm;

import io.embark.allreduce.DataType;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Group;
import io.embark.allreduce.transport.Request;

/**
 * Dissemination barrier: {@code ceil(log2 p)} rounds; in round {@code k} member {@code i} sends an
 * empty message to {@code i + 2^k} and waits for one from {@code i - 2^k}. No member leaves before
 * every member has arrived.
 */
public final class Barrier {
    private static final ElementBuffer EMPTY = ElementBuffer.allocate(DataType.BYTE, 0);

    private Barrier() {
    }

    public static void run(OpContext ctx, Group group) {
        int p = group.size();
        int i = group.index();
        for (int k = 1; k < p; k <<= 1) {
            Request r = ctx.transport().recv(group.ringRank(i - k), ctx.tag(), EMPTY, 0, 0);
            Request s = ctx.transport().send(group.ringRank(i + k), ctx.tag(), EMPTY, 0, 0);
            r.await(ctx.deadline()); // receive first: a send may complete only once its receiver has taken it
            s.await(ctx.deadline());
        }
    }
}
