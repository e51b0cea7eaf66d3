package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Group;

/**
 * An all-reduce schedule: which ranges go to which member in which step. Runs over any transport.
 * {@code op} arrives as a wire op ({@code SUM} or {@code MAX}); scaling for a mean is the caller's.
 * Every member ends with bit-identical values.
 */
public interface AllReduceAlgorithm {
    String name();

    /** Combines {@code buf[off, off+len)} across all members of {@code group}, in place. */
    void allReduce(OpContext ctx, Group group, ElementBuffer buf, int off, int len, ReduceOp op);
}
