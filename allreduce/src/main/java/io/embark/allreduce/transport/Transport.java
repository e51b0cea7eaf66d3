package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;

import java.util.Optional;

/**
 * How elements move between ranks: the only thing an algorithm talks to. An algorithm says "send
 * these elements to rank k with tag t" or "receive from rank k with tag t into this range" (optionally
 * combining instead of overwriting), and never sees a socket or a thread.
 *
 * <p>Messages between one pair of ranks with one tag are matched in the order they were posted on
 * each side (no overtaking), so one tag can carry a whole multi-step operation. Messages with different
 * tags are independent, which is what lets several operations be in flight at once.
 *
 * <p>A sent range must not be modified until its request completes; a received range must not be
 * touched until its request completes.
 */
public interface Transport extends AutoCloseable {

    /** This rank, in {@code [0, size())}. */
    int rank();

    /** Number of ranks. */
    int size();

    /** Sends {@code src[offset, offset+length)} to {@code peer}. */
    Request send(int peer, long tag, ElementBuffer src, int offset, int length);

    /** Receives {@code length} elements from {@code peer} into {@code dst[offset, ...)}, overwriting. */
    Request recv(int peer, long tag, ElementBuffer dst, int offset, int length);

    /** Receives {@code length} elements from {@code peer} and combines them into {@code dst[offset, ...)} with {@code op}. */
    Request recvReduce(int peer, long tag, ElementBuffer dst, int offset, int length, ReduceOp op);

    /** The segment size (bytes) at which large transfers pipeline best on this transport. */
    int preferredSegmentBytes();

    /**
     * Direct access to other ranks' buffers, when every rank of this transport shares this process's
     * memory; empty (the default) when ranks can only exchange messages.
     */
    default Optional<SharedBuffers> sharedBuffers() {
        return Optional.empty();
    }

    /** A short description of how this rank reaches {@code peer}, for error messages. */
    String describePeer(int peer);

    /**
     * Gives up on the whole job: every pending and future request on this rank fails, and peers are
     * told (so that they fail fast too instead of waiting for their timeout).
     */
    void abort(CollectiveException cause);

    /** Leaves the job in an orderly way; peers see "closed" rather than "died". */
    @Override
    void close();
}
