package io.embark.jobs.config;

import io.embark.embedding.progress.ProgressLog;
import java.time.Duration;

/**
 * Section {@code progress}: how often long stages (import, each training epoch, evaluation, export, generate) log a
 * progress line with what is done, the rate and an ETA.
 *
 * @param interval time between two progress lines of one stage ({@code progress.intervalSeconds})
 */
public record ProgressConfig(Duration interval) implements java.io.Serializable {

    static ProgressConfig read(ConfigReader c) {
        double seconds = c.doubleValue("progress.intervalSeconds", ProgressLog.DEFAULT_INTERVAL.toSeconds(), 0.01, 86_400);
        return new ProgressConfig(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    /** Progress lines to the log every {@link #interval}. */
    public ProgressLog log() {
        return ProgressLog.every(interval);
    }
}
