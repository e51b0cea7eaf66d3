package io.embark.allreduce.algorithm;

import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Group;

/**
 * Binomial-tree broadcast: in {@code ceil(log2 p)} rounds the set of members holding the data
 * doubles. Member with relative position {@code v = (i - root) mod p} receives from {@code v - m}
 * where {@code m} is the lowest set bit of {@code v}, then forwards to {@code v + m/2, v + m/4, ...}.
 */
public final class Broadcast {
    private Broadcast() {
    }

    public static void run(OpContext ctx, Group group, ElementBuffer buf, int off, int len, int rootPosition) {
        int p = group.size();
        int v = Math.floorMod(group.index() - rootPosition, p);
        int mask = 1;
        while (mask < p) {
            if ((v & mask) != 0) {
                Exchange.recv(ctx, group.ringRank(rootPosition + v - mask), buf, off, len, null);
                break;
            }
            mask <<= 1;
        }
        mask >>= 1;
        while (mask > 0) {
            if (v + mask < p) {
                Exchange.send(ctx, group.ringRank(rootPosition + v + mask), buf, off, len);
            }
            mask >>= 1;
        }
    }
}
