package io.embark.embedding.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The arithmetic and wording of progress lines, on hand-computed values (no clock involved). */
class ProgressTest {

    @Test
    void rateFractionAndEtaOfWorkUnderWay() {
        // 41.2M of 97.6M edges after 80.5 s: 41.2M / 80.5 = 511,801.2 edges/s; 41.2 / 97.6 = 42.2% -> 42;
        // (97.6M - 41.2M) / 511,801.2 = 110.2 s -> 1m50s
        Progress p = new Progress(41_200_000, 97_600_000, 80.5);
        assertEquals(511_801.24, p.rate(), 0.01);
        assertEquals(42, p.percent());
        assertEquals(110.2, p.etaSeconds().orElseThrow(), 0.01);
        assertEquals("1m50s", p.eta());
        assertEquals("41.2M of 97.6M edges of the epoch (42%), 511,801 edges/s, ETA 1m50s for the epoch",
                p.describe("edges", "the epoch"));
        assertEquals("41.2M of 97.6M edges (42%), 511,801 edges/s, ETA 1m50s", p.describe("edges", ""));
    }

    @Test
    void nothingDoneYetHasNoEta() {
        Progress p = new Progress(0, 1000, 12);
        assertEquals(0, p.rate());
        assertEquals(0, p.percent());
        assertFalse(p.etaSeconds().isPresent());
        assertEquals("0 of 1,000 rankings (0%), 0 rankings/s, ETA unknown", p.describe("rankings", ""));
        assertEquals(0, new Progress(0, 1000, 0).rate(), "no time passed: no rate, not a division by zero");
    }

    @Test
    void percentRoundsDownSoThatOnlyFinishedWorkReads100() {
        assertEquals(99, new Progress(9_999, 10_000, 1).percent());
        assertEquals(100, new Progress(10_000, 10_000, 1).percent());
        assertEquals(100, new Progress(0, 0, 1).percent(), "empty work is done");
        // a counter that overshoots its total (a retried task counted twice) still reads 100%, ETA 0
        assertEquals(100, new Progress(10_500, 10_000, 1).percent());
        assertEquals(0, new Progress(10_500, 10_000, 1).etaSeconds().orElseThrow());
    }

    @Test
    void etaScalesWithWhatIsLeft() {
        // 1,000 of 4,000 in 10 s: 100/s, 3,000 left -> 30 s
        assertEquals(30, new Progress(1_000, 4_000, 10).etaSeconds().orElseThrow(), 1e-9);
        // 3,000 of 4,000 in 10 s: 300/s, 1,000 left -> 3.33 s
        assertEquals(10.0 / 3, new Progress(3_000, 4_000, 10).etaSeconds().orElseThrow(), 1e-9);
    }

    @Test
    void refusesNegativeCounts() {
        assertThrows(IllegalArgumentException.class, () -> new Progress(-1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new Progress(1, 10, Double.NaN));
    }

    @Test
    void countsRatesAndDurationsAreWrittenShort() {
        assertEquals("9,999", ProgressFormat.count(9_999));
        assertEquals("12.3k", ProgressFormat.count(12_345));
        assertEquals("41.2M", ProgressFormat.count(41_234_567));
        assertEquals("1.46B", ProgressFormat.count(1_460_000_000L));
        assertEquals("12.3B", ProgressFormat.count(12_345_678_901L));
        assertEquals("512,000", ProgressFormat.rate(511_999.6));
        assertEquals("0m07s", ProgressFormat.duration(7.4));
        assertEquals("1m50s", ProgressFormat.duration(110.2));
        assertEquals("2h05m", ProgressFormat.duration(7_500));
        assertEquals("0m00s", ProgressFormat.duration(-3), "a clock step backwards is not a negative duration");
    }
}
