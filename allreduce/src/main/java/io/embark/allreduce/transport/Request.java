package io.embark.allreduce.transport;

/** A send or receive in flight. Awaited exactly once by the thread that posted it. */
public interface Request {
    /**
     * Waits until the transfer is done (and, for a receive, its elements are in the destination).
     *
     * @throws io.embark.allreduce.CollectiveTimeoutException when {@code deadline} passes first
     * @throws io.embark.allreduce.PeerFailedException when the peer or the transport failed
     */
    void await(Deadline deadline);

    /** Whether the transfer has finished (successfully or not). */
    boolean isDone();
}
