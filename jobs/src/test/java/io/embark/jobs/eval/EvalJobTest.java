package io.embark.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embark.embedding.eval.LinkPrediction;
import io.embark.embedding.eval.RankingMetrics;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.RankingTotals;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.jobs.TrainedWorkspace;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.train.TrainJob;
import io.embark.partitioning.Side;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The eval stage's Spark tasks add up to what one process ranking every edge gets, and the metrics file says so; a damaged
 * checkpoint is refused by name.
 */
@Timeout(600)
class EvalJobTest {

    private static RankingTotals inOneProcess(JobConfig job, RankingOptions options, long limit) throws Exception {
        TaskInputs in = TaskInputs.of(new Configuration(), job, 1);
        return new LinkPrediction(in.graph(), in.model()).rank(options, limit);
    }

    private static double number(Map<?, ?> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = ((Map<?, ?>) o).get(p);
        }
        return ((Number) o).doubleValue();
    }

    @Test
    void spark_tasks_agree_with_one_process_exact_and_sampled() throws Exception {
        for (String[] sets : List.of(new String[] {"eval.version=1"},
                new String[] {"eval.version=1", "eval.candidates=20", "eval.seed=5", "eval.limit=100", "eval.filter=[train]"})) {
            JobConfig job = TrainedWorkspace.config(sets);
            Map<String, Object> m = EvalJob.run(TrainedWorkspace.spark(), job);
            RankingTotals expected = inOneProcess(job, new RankingOptions("test", job.eval().filter(), job.eval().candidates()),
                    job.eval().limit());
            RankingMetrics f = expected.overall(true);
            assertEquals(f.count(), ((Number) m.get("count")).longValue());
            assertEquals(f.mrr(), number(m, "mrr"), 1e-12);
            assertEquals(f.hitsAt50(), number(m, "hits_at_50"), 1e-12);
            assertEquals(f.auc(), number(m, "auc"), 1e-12);
            assertEquals(expected.side(false, Side.LHS).mrr(), number(m, "breakdown", "raw", "lhs", "mrr"), 1e-12);
            assertEquals(expected.relation(true, 2).meanRank(), number(m, "breakdown", "filtered", "relations", "r2", "mean_rank"), 1e-12);
        }
        // one file per split and candidate setting: the sampled run did not overwrite the exact one
        Path exact = TrainedWorkspace.dir().resolve("checkpoints/v00000001/metrics-test-all.json");
        assertEquals("all", new ObjectMapper().readValue(exact.toFile(), Map.class).get("candidates"), "the exact run's file");
        Path metrics = TrainedWorkspace.dir().resolve("checkpoints/v00000001/metrics-test-20.json");
        Map<?, ?> written = new ObjectMapper().readValue(metrics.toFile(), Map.class);
        assertEquals("20 sampled", written.get("candidates"), "the sampled run's file");
        assertEquals(100, ((Number) written.get("ranked_edges")).intValue());
        try (var s = Files.list(metrics.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("._tmp")), "no temporary file left");
        }
    }

    /**
     * A flipped byte in a table of the newest version, in a copy of the workspace without Hadoop's {@code .crc}
     * sidecar for it (as a synced or S3 checkpoint): the Spark tasks refuse it, and the job names the file and the
     * version eval.version can name instead, which then evaluates.
     */
    @Test
    void a_damaged_table_is_refused_naming_the_file_and_the_version_to_use_instead() throws Exception {
        Path source = TrainedWorkspace.dir();
        Path copy = Files.createTempDirectory("embark-damaged-");
        for (String d : List.of("graph", "checkpoints")) {
            try (var files = Files.walk(source.resolve(d))) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path to = copy.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
        }
        Path table = copy.resolve("checkpoints/v00000002/entities/node/part-00001.emb");
        byte[] b = Files.readAllBytes(table);
        b[40] ^= 0x01;
        Files.write(table, b);
        assertFalse(Files.exists(table.resolveSibling(".part-00001.emb.crc")), "tables are written without Hadoop's .crc sidecar");

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                () -> EvalJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("workspace=" + copy)));
        assertTrue(e.getMessage().startsWith(table + ": CRC32C "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("the newest older version that verifies is v00000001: set eval.version = 1 to use it"),
                e.getMessage());
        Map<String, Object> m = EvalJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("workspace=" + copy, "eval.version=1"));
        assertTrue(((Number) m.get("count")).longValue() > 0);
    }

    @Test
    void a_missing_version_or_bad_candidates_are_errors_naming_the_key() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> EvalJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("eval.version=12")));
        assertTrue(e.getMessage().startsWith("eval.version: 12 (no committed checkpoint"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> TrainedWorkspace.config("eval.candidates=many"));
        assertEquals("eval.candidates: 'many' (expected all, or a number >= 1 of candidates sampled per edge)", e.getMessage());
        // 300 nodes in 2 partitions of about 150: 1,000 draws per edge would repeat candidates and worsen every rank
        e = assertThrows(ConfigException.class,
                () -> EvalJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("eval.version=1", "eval.candidates=1000")));
        assertTrue(e.getMessage().matches("eval\\.candidates: 1000 sampled per edge, but partition [01] of entity type 'node' holds 1\\d\\d "
                + "entities, .* \\(expected at most 1\\d\\d, or eval.candidates = all to rank against all \\d+ entities of the type\\)"),
                e.getMessage());
        // the same rule before training with evaluation starts, not after its first epoch
        e = assertThrows(ConfigException.class, () -> TrainJob.run(TrainedWorkspace.spark(),
                TrainedWorkspace.config("training.epochs=3", "training.eval.every=1", "training.eval.split=valid", "eval.candidates=1000")));
        assertTrue(e.getMessage().startsWith("eval.candidates: 1000 sampled per edge, but partition "), e.getMessage());
        e = assertThrows(ConfigException.class, () -> TrainedWorkspace.config("export.formats=[csv]"));
        assertTrue(e.getMessage().startsWith("export.formats: 'csv' is not valid (expected one of parquet, tsv)"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> TrainedWorkspace.config("export.version=newest"));
        assertTrue(e.getMessage().startsWith("export.version: 'newest' (expected latest or a checkpoint version number"), e.getMessage());
    }
}
