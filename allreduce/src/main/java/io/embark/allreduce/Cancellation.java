package io.embark.allreduce;

import java.time.Duration;

/**
 * Whether the caller has given up on this rank's work (its task was killed, the user stopped the job). Every wait
 * in this library that can last (connecting the mesh, a handshake, a peer's data, a shared window, closing) wakes
 * at least every {@link #POLL} to ask, and fails with a {@link CollectiveCancelledException} when the answer is yes,
 * so a rank whose caller gave up stops within a fraction of a second instead of at its timeout. Timeouts still
 * apply: cancellation only ends a wait sooner.
 *
 * <p>It is asked on the waiting thread, often: it must be cheap and must not block (read a flag). A Spark task
 * passes {@code () -> TaskContext.get().isInterrupted()} (read once on the task's thread, then kept), since Spark
 * marks a killed task without interrupting its thread by default.
 */
@FunctionalInterface
public interface Cancellation {

    /** The longest a wait sleeps before it asks again. */
    Duration POLL = Duration.ofMillis(200);

    /** Never cancelled: waits end by success, failure or timeout only. */
    Cancellation NEVER = () -> false;

    /** True once the caller has given up; it never goes back to false. */
    boolean isCancelled();
}
