package io.embark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embark.embedding.progress.ProgressLog;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The driver's epoch line comes at least every 30 s, or as often as progress.intervalSeconds asks. */
class DistributedTrainJobTest {

    @Test
    void theDriverSaysWhatAnEpochWaitsForAtLeastEveryThirtySeconds() {
        assertEquals(Duration.ofSeconds(30), DistributedTrainJob.waitingLog(ProgressLog.every(Duration.ofMinutes(5))).interval());
        assertEquals(Duration.ofSeconds(5), DistributedTrainJob.waitingLog(ProgressLog.every(Duration.ofSeconds(5))).interval());
    }
}
