package io.embark.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.GenerateConfig;
import io.embark.jobs.config.JobConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code generate.nodes} past 2^31: the config takes it and the generator draws ids over the whole 64-bit range asked for. */
class EdgeGeneratorScaleTest {

    private static final long NODES = 5_000_000_000L;

    @Test
    void fiveBillionNodesGiveIdsPast2To31AndBelowTheCount() {
        for (String model : List.of("rmat", "clusters")) {
            GenerateConfig cfg = JobConfig.read(ConfigLoader.fromText("generate.nodes = 5G", "t",
                    List.of("generate.model=" + model))).generate();
            assertEquals(NODES, cfg.nodes());
            EdgeGenerator gen = new EdgeGenerator(cfg);
            SplittableRandom rnd = gen.random(0);
            long max = 0;
            for (int i = 0; i < 2000; i++) {
                EdgeGenerator.Edge e = gen.next(rnd);
                for (long id : new long[] {e.lhs(), e.rhs()}) {
                    assertTrue(id >= 0 && id < NODES, model + ": id " + id);
                    max = Math.max(max, id);
                }
            }
            // 4,000 ids spread over [0, 5e9): the largest is far past 2^31 (a 32-bit id would stop there)
            assertTrue(max > 1L << 32, model + ": largest id " + max);
        }
    }
}
