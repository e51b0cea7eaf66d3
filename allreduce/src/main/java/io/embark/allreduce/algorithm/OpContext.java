package io.embark.allreduce.algorithm;

import io.embark.allreduce.transport.Deadline;
import io.embark.allreduce.transport.Transport;

/**
 * What one running collective needs besides its data: the transport, the operation's tag, its
 * deadline, and how to cut large transfers (segment size in elements, segments in flight).
 */
public record OpContext(Transport transport, long tag, Deadline deadline, int segmentElements, int window) {
    public OpContext {
        if (segmentElements < 1 || window < 1) {
            throw new IllegalArgumentException("segmentElements " + segmentElements + ", window " + window
                    + " (expected both >= 1)");
        }
    }

    public int rank() {
        return transport.rank();
    }
}
