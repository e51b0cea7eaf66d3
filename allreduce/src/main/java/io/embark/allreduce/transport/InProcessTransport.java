package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;

import java.util.Optional;

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

    /** Ranks of one fabric are threads of one JVM: they can read and write each other's buffers. */
    @Override
    public Optional<SharedBuffers> sharedBuffers() {
        return Optional.of((tag, members, index, buf, off, len, deadline) -> {
            if (index < 0 || index >= members.length || members[index] != rank) {
                throw new IllegalArgumentException("rank " + rank + " opened a shared window as member " + index
                        + " of " + java.util.Arrays.toString(members));
            }
            return fabric.openWindow(tag, members, index, buf, off, len, deadline);
        });
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
