package io.embark.embedding.progress;

import java.util.function.Supplier;

/**
 * A daemon thread that asks for a progress line every interval and hands it to a {@link ProgressLog}, from one
 * interval after {@link #start} until {@link #close}. Open it around the work with try-with-resources:
 * <pre>
 *   try (ProgressTimer timer = ProgressTimer.start(log, "io.embark.embedding.train.Trainer", "embark-progress-train",
 *           progress::line)) {
 *       ... the long work, which updates what progress::line reads ...
 *   }
 * </pre>
 * {@link #close} stops the thread and waits for it, so no line comes after it returns and no thread is left behind.
 * The line supplier runs on the timer's thread: it must read only what is safe to read concurrently (volatile
 * fields, atomic counters). A supplier that throws is reported in the line instead; the timer keeps going.
 */
public final class ProgressTimer implements AutoCloseable {

    /** How long {@link #close} waits for a line being written before it leaves the (daemon) thread alone. */
    private static final long JOIN_MILLIS = 10_000;

    private final ProgressLog log;
    private final String logger;
    private final Supplier<String> line;
    private final Thread thread;
    private final Object lock = new Object();
    private boolean stopped;

    private ProgressTimer(ProgressLog log, String logger, String threadName, Supplier<String> line) {
        this.log = log;
        this.logger = logger;
        this.line = line;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /**
     * Starts the thread {@code threadName}: every {@code log.interval()} it sends {@code line.get()} to
     * {@code log.sink()} under the logger name {@code logger}.
     */
    public static ProgressTimer start(ProgressLog log, String logger, String threadName, Supplier<String> line) {
        ProgressTimer t = new ProgressTimer(log, logger, threadName, line);
        t.thread.start();
        return t;
    }

    private void run() {
        long interval = log.interval().toNanos();
        long next = System.nanoTime() + interval;
        while (waitUntil(next)) {
            String text;
            try {
                text = line.get();
            } catch (RuntimeException e) {
                text = "progress unavailable: " + e;
            }
            log.sink().line(logger, text);
            // a slow sink delays the next line rather than queueing several
            next = Math.max(next + interval, System.nanoTime());
        }
    }

    /** Waits until {@code deadline} (System.nanoTime); false when stopped first. */
    private boolean waitUntil(long deadline) {
        synchronized (lock) {
            while (!stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    lock.wait(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return false;
        }
    }

    /** Stops the timer and waits for its thread to end (a line being written is finished first). */
    @Override
    public void close() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
