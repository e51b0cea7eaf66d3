package io.embark.allreduce.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs one body per rank on its own thread and collects the results, bounded by a timeout. */
public final class Ranks {
    private Ranks() {
    }

    public static <T> List<T> run(int p, Duration timeout, IntFunction<T> body) {
        ExecutorService pool = Executors.newFixedThreadPool(p, r -> {
            Thread t = new Thread(r, "test-rank");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < p; r++) {
                int rank = r;
                futures.add(pool.submit(() -> body.apply(rank)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            List<T> out = new ArrayList<>();
            Throwable first = null;
            for (int r = 0; r < p; r++) {
                try {
                    out.add(futures.get(r).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = new AssertionError("rank " + r + " failed: " + e.getCause(), e.getCause());
                    } else {
                        first.addSuppressed(e.getCause());
                    }
                    out.add(null);
                } catch (TimeoutException e) {
                    throw new AssertionError("rank " + r + " did not finish within " + timeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            if (first instanceof AssertionError a) {
                throw a;
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Like {@link #run} but returns each rank's failure (or null) instead of throwing. */
    public static List<Throwable> failures(int p, Duration timeout, IntFunction<Object> body) {
        return run(p, timeout, r -> {
            try {
                body.apply(r);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }
}
