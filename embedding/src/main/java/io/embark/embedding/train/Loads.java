package io.embark.embedding.train;

import io.embark.allreduce.Cancellation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for a background load (a table or a bucket's edges): its I/O failure is rethrown as itself; a caller that
 * gives up ends the wait with an {@link InterruptedIOException}.
 */
final class Loads {

    private Loads() {
    }

    /**
     * The result of {@code f}, waiting at most {@code timeout} (null: as long as it takes, for a single-machine run
     * where nobody else waits) and, when {@code cancellation} says the caller has given up (a killed Spark task),
     * no longer than {@link Cancellation#POLL} after that; {@code what} names the load in the errors.
     */
    static <T> T await(Future<T> f, Duration timeout, Cancellation cancellation, String what) throws IOException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                if (cancellation.isCancelled()) {
                    f.cancel(true);
                    throw new InterruptedIOException("cancelled while waiting for " + what);
                }
                long left = timeout == null ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    f.cancel(true);
                    throw new IOException(what + " took longer than the timeout (" + timeout.toSeconds()
                            + " s, distributed.timeoutSeconds)");
                }
                try {
                    return f.get(Math.min(left, Cancellation.POLL.toNanos()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // look at the cancellation and the clock again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }
}
