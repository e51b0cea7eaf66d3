package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.allreduce.Cancellation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker waiting for a background load (a table, the next edges) stops when its caller gives up (a killed Spark
 * task), well before the 60 s timeout, and the load is cancelled; the timeout still ends a load nobody cancels.
 */
class LoadsTest {

    @Test
    @Timeout(30)
    void aLoadThatNeverEndsIsLeftWhenTheCallerGivesUp() {
        CompletableFuture<String> never = new CompletableFuture<>();
        long at = System.nanoTime() + 500_000_000L;
        long t0 = System.nanoTime();
        InterruptedIOException e = assertThrows(InterruptedIOException.class,
                () -> Loads.await(never, Duration.ofSeconds(60), () -> System.nanoTime() - at >= 0, "loading table x/0"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 10, "gave up after " + seconds + " s");
        assertTrue(e.getMessage().contains("loading table x/0"), e.getMessage());
        assertTrue(never.isCancelled(), "the load is cancelled too");
    }

    @Test
    @Timeout(30)
    void theTimeoutStillEndsALoadNobodyCancels() {
        IOException e = assertThrows(IOException.class,
                () -> Loads.await(new CompletableFuture<>(), Duration.ofMillis(300), Cancellation.NEVER, "reading edges"));
        assertTrue(e.getMessage().contains("took longer than the timeout"), e.getMessage());
    }

    @Test
    void aFinishedLoadIsReturned() throws IOException {
        assertEquals("t", Loads.await(CompletableFuture.completedFuture("t"), null, Cancellation.NEVER, "x"));
    }
}
