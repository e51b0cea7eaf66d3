package io.embark.embedding.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timer hands lines to its sink while open and leaves no thread behind once closed. */
@Timeout(60)
class ProgressTimerTest {

    /** Lines the timer produced: logger name, then the line. */
    private final BlockingQueue<String[]> lines = new LinkedBlockingQueue<>();
    private final ProgressLog log = new ProgressLog(Duration.ofMillis(2), (logger, line) -> lines.add(new String[] {logger, line}));

    @Test
    void logsEveryIntervalUntilClosedAndThenItsThreadIsGone() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ProgressTimer timer = ProgressTimer.start(log, "some.Logger", "embark-progress-test-a",
                () -> "line " + calls.incrementAndGet())) {
            String[] first = lines.poll(30, TimeUnit.SECONDS);
            String[] second = lines.poll(30, TimeUnit.SECONDS);
            assertNotNull(first, "a line within 30 s of a 2 ms interval");
            assertNotNull(second, "and another: it repeats");
            assertEquals("some.Logger", first[0]);
            assertEquals("line 1", first[1]);
            assertEquals("line 2", second[1]);
        }
        assertTrue(ProgressThreads.named("embark-progress-test-a").isEmpty(), "close() ends the timer's thread");
    }

    @Test
    void aFailingLineIsReportedAndTheTimerGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (ProgressTimer timer = ProgressTimer.start(log, "x", "embark-progress-test-b", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return "fine";
        })) {
            assertTrue(lines.poll(30, TimeUnit.SECONDS)[1].contains("progress unavailable: java.lang.IllegalStateException: boom"));
            assertEquals("fine", lines.poll(30, TimeUnit.SECONDS)[1]);
        }
        assertTrue(ProgressThreads.named("embark-progress-test-b").isEmpty());
    }

    @Test
    void nothingIsLoggedBeforeTheFirstInterval() {
        ProgressLog hourly = new ProgressLog(Duration.ofHours(1), (logger, line) -> lines.add(new String[] {logger, line}));
        try (ProgressTimer timer = ProgressTimer.start(hourly, "x", "embark-progress-test-c", () -> "early")) {
            assertTrue(lines.isEmpty());
        }
        assertTrue(lines.isEmpty(), "closing does not flush a line either");
        assertTrue(ProgressThreads.named("embark-progress-test-c").isEmpty(), "close() wakes a timer that waits a long interval");
    }

    @Test
    void aZeroIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProgressLog(Duration.ZERO, ProgressLog.LOGGER));
    }
}
