package io.embark.embedding.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a background load (a table or a bucket's edges): its I/O failure is rethrown as itself. */
final class Loads {

    private Loads() {
    }

    /**
     * The result of {@code f}, waiting at most {@code timeout} (null: as long as it takes, for a single-machine run
     * where nobody else waits); {@code what} names the load in the errors.
     */
    static <T> T await(Future<T> f, Duration timeout, String what) throws IOException {
        try {
            return timeout == null ? f.get() : f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException(what + " took longer than the timeout (" + timeout.toSeconds()
                    + " s, distributed.timeoutSeconds)", e);
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
