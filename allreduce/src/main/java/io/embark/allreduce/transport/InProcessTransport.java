package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;

/** One rank's view of an {@link InProcessFabric}: ranks are threads of one JVM, exchanging through shared memory. */
public final class InProcessTransport implements Transport {
    private final InProcessFabric fabric;
    private final int rank;

    InProcessTransport(InProcessFabric fabric, int rank) {
        this.fabric = fabric;
        this.rank = rank;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return fabric.size();
    }

    @Override
    public Request send(int peer, long tag, ElementBuffer src, int offset, int length) {
        return fabric.send(rank, peer, tag, src, offset, length);
    }

    @Override
    public Request recv(int peer, long tag, ElementBuffer dst, int offset, int length) {
        return fabric.recv(rank, peer, tag, dst, offset, length, null);
    }

    @Override
    public Request recvReduce(int peer, long tag, ElementBuffer dst, int offset, int length, ReduceOp op) {
        return fabric.recv(rank, peer, tag, dst, offset, length, op.wireOp());
    }

    /** Segments only bound the pipeline here; a large one means fewer hand-offs between threads. */
    @Override
    public int preferredSegmentBytes() {
        return 1 << 30;
    }

    @Override
    public String describePeer(int peer) {
        return "rank " + peer + " (same JVM)";
    }

    @Override
    public void abort(CollectiveException cause) {
        fabric.abort(rank, cause);
    }

    @Override
    public void close() {
        fabric.close(rank);
    }
}
