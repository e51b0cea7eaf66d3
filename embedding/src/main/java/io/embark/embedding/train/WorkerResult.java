package io.embark.embedding.train;

import java.io.Serializable;

/**
 * What one worker did in one epoch, as it travels from a Spark task to the driver (Java serialization): the edges and
 * summed loss it trained, its buckets of the epoch's rounds, its syncs, and its seconds split into training, waiting
 * for storage, syncing and barriers. {@code attempt} is the stage attempt that produced it (0 on one machine).
 */
public record WorkerResult(int rank, int attempt, long edges, double loss, int buckets, int rounds, long syncs,
                           double computeSeconds, double ioWaitSeconds, double syncSeconds, double barrierSeconds,
                           double seconds) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The same result, reported by stage attempt {@code a}. */
    public WorkerResult withAttempt(int a) {
        return new WorkerResult(rank, a, edges, loss, buckets, rounds, syncs, computeSeconds, ioWaitSeconds, syncSeconds,
                barrierSeconds, seconds);
    }
}
