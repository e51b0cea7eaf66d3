package io.embark.embedding.progress;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Where progress lines go and how often: every {@code interval} while a long piece of work runs, a line goes to
 * {@code sink} with the name of the logger it belongs to ({@code io.embark.embedding.train.Trainer}, say).
 *
 * @param interval time between two lines of one piece of work (the first comes one interval after it starts)
 * @param sink     receives each line; {@link #LOGGER} logs it at INFO, a test collects it
 */
public record ProgressLog(Duration interval, Sink sink) {

    /** The interval when none is configured ({@code progress.intervalSeconds}). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    /** Receives progress lines. */
    @FunctionalInterface
    public interface Sink {
        void line(String logger, String line);
    }

    /** Logs each line at INFO through {@link System#getLogger} under the reporter's name. */
    public static final Sink LOGGER = (logger, line) -> System.getLogger(logger).log(Level.INFO, line);

    public ProgressLog {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("progress interval: " + interval + " (expected > 0)");
        }
        if (sink == null) {
            throw new IllegalArgumentException("progress sink is required");
        }
    }

    /** Lines to the log every {@code interval}. */
    public static ProgressLog every(Duration interval) {
        return new ProgressLog(interval, LOGGER);
    }

    /** Lines to the log every {@link #DEFAULT_INTERVAL}. */
    public static ProgressLog defaults() {
        return every(DEFAULT_INTERVAL);
    }
}
