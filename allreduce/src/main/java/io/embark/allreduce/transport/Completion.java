package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveCancelledException;
import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.CollectiveTimeoutException;
import io.embark.allreduce.PeerFailedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link Request} both transports hand out: completed by whichever thread finishes the transfer,
 * optionally followed by a finishing step (copying or reducing received bytes into the destination)
 * that runs in the awaiting thread, so that reduction work stays off the I/O thread. The awaiting
 * thread wakes every {@link io.embark.allreduce.Cancellation#POLL} to ask its deadline's cancellation.
 */
public final class Completion implements Request {
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile String description;
    private Runnable finisher;

    public Completion(String description) {
        this.description = description;
    }

    /** Sets work to run in the awaiting thread once the transfer is complete. */
    public Completion thenInAwaiter(Runnable work) {
        this.finisher = work;
        return this;
    }

    public void complete() {
        done.complete(null);
    }

    public void fail(Throwable cause) {
        done.completeExceptionally(cause);
    }

    @Override
    public boolean isDone() {
        return done.isDone();
    }

    /** Replaces the description used in error messages. */
    public void describe(String d) {
        this.description = d;
    }

    public String description() {
        return description;
    }

    @Override
    public void await(Deadline deadline) {
        try {
            while (!done.isDone()) {
                deadline.checkCancelled(description);
                long slice = deadline.sliceNanos();
                if (slice == 0) {
                    throw deadline.timeoutException(description);
                }
                try {
                    done.get(slice, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // look at the cancellation and the clock again
                }
            }
            done.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException(deadline.operation() + " interrupted while waiting for " + description, e);
        } catch (ExecutionException | java.util.concurrent.CompletionException e) {
            throw rethrow(deadline, e.getCause());
        }
        Runnable f = finisher;
        finisher = null;
        if (f != null) {
            f.run();
        }
    }

    private CollectiveException rethrow(Deadline deadline, Throwable cause) {
        String msg = deadline.operation() + " failed while waiting for " + description + ": " + cause.getMessage();
        if (cause instanceof CollectiveCancelledException) {
            return new CollectiveCancelledException(msg, cause);
        }
        if (cause instanceof CollectiveTimeoutException) {
            CollectiveTimeoutException t = new CollectiveTimeoutException(msg);
            t.initCause(cause);
            return t;
        }
        if (cause instanceof PeerFailedException) {
            return new PeerFailedException(msg, cause);
        }
        return new CollectiveException(msg, cause);
    }

    /** A request that is already complete. */
    public static Completion completed(String description) {
        Completion c = new Completion(description);
        c.complete();
        return c;
    }
}
