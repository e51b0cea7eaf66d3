package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The training progress line, with a fake clock and a fake edge counter. */
class EpochProgressTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    /** the HOGWILD counter runs across epochs: 3,000,000 edges were trained before this epoch began */
    private final AtomicLong trained = new AtomicLong(3_000_000);

    @Test
    void saysWhereTheEpochIsHowFastAndWhenItEnds() {
        EpochProgress p = new EpochProgress("epoch 1/10", "the epoch", 97_600_000, trained::get, nanos::get);
        assertEquals("epoch 1/10 starting: 0 of 97.6M edges of the epoch (0%), 0 edges/s, ETA unknown for the epoch", p.line());

        p.at("bucket (3, 5) 12/256");
        trained.addAndGet(41_200_000);
        nanos.addAndGet(80_500_000_000L);
        // 41.2M edges of this epoch in 80.5 s: 511,801 edges/s; 56.4M left at that rate: 110.2 s
        assertEquals("epoch 1/10 bucket (3, 5) 12/256: 41.2M of 97.6M edges of the epoch (42%), 511,801 edges/s, "
                + "ETA 1m50s for the epoch", p.line());

        // all 97.6M in 180.5 s: 540,720 edges/s, nothing left
        trained.addAndGet(56_400_000);
        nanos.addAndGet(100_000_000_000L);
        assertEquals("epoch 1/10 bucket (3, 5) 12/256: 97.6M of 97.6M edges of the epoch (100%), 540,720 edges/s, "
                + "ETA 0m00s for the epoch", p.line());
    }

    @Test
    void aRanksShareHasItsOwnTotal() {
        EpochProgress p = new EpochProgress("rank 2 epoch 3/10", "this rank's share", 6_000, trained::get, nanos::get);
        p.at("round 2/4 bucket (1, 0)");
        trained.addAndGet(1_500);
        nanos.addAndGet(3_000_000_000L);
        // 1,500 in 3 s: 500/s; 4,500 left: 9 s
        assertEquals("rank 2 epoch 3/10 round 2/4 bucket (1, 0): 1,500 of 6,000 edges of this rank's share (25%), 500 edges/s, "
                + "ETA 0m09s for this rank's share", p.line());
    }
}
