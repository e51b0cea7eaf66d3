package io.embark.allreduce.transport;

import io.embark.allreduce.Cancellation;
import io.embark.allreduce.CollectiveCancelledException;
import io.embark.allreduce.CollectiveTimeoutException;

import java.time.Duration;

/**
 * The instant by which one collective operation must be finished, with a description of that
 * operation for the error message, and the caller's {@link Cancellation}. Every wait in this library is
 * bounded by one and sleeps at most {@link #sliceNanos()} at a time, asking {@link #checkCancelled}
 * between sleeps:
 * <pre>{@code
 * while (!done()) {
 *     deadline.checkCancelled("rank 2's data");          // the caller gave up: fail now
 *     long slice = deadline.sliceNanos();                // at most Cancellation.POLL
 *     if (slice == 0) throw deadline.timeoutException("rank 2's data");
 *     waitAtMost(slice);
 * }
 * }</pre>
 */
public final class Deadline {
    private static final long POLL_NANOS = Cancellation.POLL.toNanos();

    private final long deadlineNanos;
    private final Duration timeout;
    private final String operation;
    private final Cancellation cancellation;

    private Deadline(long deadlineNanos, Duration timeout, String operation, Cancellation cancellation) {
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
        this.operation = operation;
        this.cancellation = cancellation;
    }

    /** A deadline {@code timeout} from now for the operation described by {@code operation}; never cancelled. */
    public static Deadline after(Duration timeout, String operation) {
        return after(timeout, operation, Cancellation.NEVER);
    }

    /** As {@link #after(Duration, String)}, with waits also ending when {@code cancellation} says so. */
    public static Deadline after(Duration timeout, String operation, Cancellation cancellation) {
        return new Deadline(System.nanoTime() + timeout.toNanos(), timeout, operation,
                java.util.Objects.requireNonNull(cancellation, "cancellation"));
    }

    /** Nanoseconds left, never negative. */
    public long remainingNanos() {
        return Math.max(0L, deadlineNanos - System.nanoTime());
    }

    /** How long a wait may sleep before it looks again: the time left, at most {@link Cancellation#POLL}; 0 when expired. */
    public long sliceNanos() {
        return Math.min(remainingNanos(), POLL_NANOS);
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

    public Cancellation cancellation() {
        return cancellation;
    }

    /** Throws a {@link CollectiveCancelledException} if the caller has given up while waiting for {@code waitingFor}. */
    public void checkCancelled(String waitingFor) {
        if (cancellation.isCancelled()) {
            throw new CollectiveCancelledException(operation + " cancelled by the caller while waiting for " + waitingFor);
        }
    }

    /** The exception to throw when the wait for {@code waitingFor} ran out of time. */
    public CollectiveTimeoutException timeoutException(String waitingFor) {
        return new CollectiveTimeoutException(operation + " did not complete within " + timeout
                + ": still waiting for " + waitingFor
                + " (a peer may be dead, stuck, or running a different sequence of collectives)");
    }
}
