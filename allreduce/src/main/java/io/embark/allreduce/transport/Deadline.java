package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveTimeoutException;

import java.time.Duration;

/**
 * The instant by which one collective operation must be finished, with a description of that
 * operation for the error message. Every wait in this library is bounded by one.
 */
public final class Deadline {
    private final long deadlineNanos;
    private final Duration timeout;
    private final String operation;

    private Deadline(long deadlineNanos, Duration timeout, String operation) {
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
        this.operation = operation;
    }

    /** A deadline {@code timeout} from now for the operation described by {@code operation}. */
    public static Deadline after(Duration timeout, String operation) {
        return new Deadline(System.nanoTime() + timeout.toNanos(), timeout, operation);
    }

    /** Nanoseconds left, never negative. */
    public long remainingNanos() {
        return Math.max(0L, deadlineNanos - System.nanoTime());
    }

    public boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }

    /** What this deadline bounds, e.g. {@code "rank 2: allReduce #7 (1000 x FLOAT32)"}. */
    public String operation() {
        return operation;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The exception to throw when the wait for {@code waitingFor} ran out of time. */
    public CollectiveTimeoutException timeoutException(String waitingFor) {
        return new CollectiveTimeoutException(operation + " did not complete within " + timeout
                + ": still waiting for " + waitingFor
                + " (a peer may be dead, stuck, or running a different sequence of collectives)");
    }
}
