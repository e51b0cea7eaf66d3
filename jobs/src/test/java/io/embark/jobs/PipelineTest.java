package io.embark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.ImportJobTestAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo: the stages of conf/demo.conf (generate -> import -> train -> eval -> export -> report) on a planted-cluster graph. */
@Timeout(600)
class PipelineTest {

    @TempDir
    Path dir;

    @Test
    void the_demo_pipeline_learns_the_planted_structure() throws Exception {
        Path demo = Path.of(System.getProperty("embark.repo.root", "..")).resolve("conf/demo.conf");
        List<String> overrides = List.of(
                "workspace=" + dir, "generate.output=" + dir.resolve("edges"),
                "data.train=" + dir.resolve("edges/train"), "data.valid=" + dir.resolve("edges/valid"),
                "data.test=" + dir.resolve("edges/test"), "training.threads=2");
        JobConfig job = JobConfig.read(ConfigLoader.load(demo, overrides));
        SparkSession spark = ImportJobTestAccess.spark();
        assertEquals(List.of("generate", "import", "train", "eval", "export", "report"), job.stages());
        for (String stage : job.stages()) {
            Main.runStage(stage, spark, job);
        }
        Path metrics;
        try (var s = Files.list(dir.resolve("checkpoints"))) {
            metrics = s.filter(p -> Files.exists(p.resolve("metrics-test-all.json"))).findFirst().orElseThrow().resolve("metrics-test-all.json");
        }
        Map<?, ?> m = new ObjectMapper().readValue(metrics.toFile(), Map.class);
        double mrr = ((Number) m.get("mrr")).doubleValue();
        // 2,000 nodes: ranking at random gives MRR = H(2000) / 2000 = 0.004. Knowing only the planted cluster (80
        // nodes each) gives about H(80) / 80 = 0.062; the demo reaches ~0.07.
        assertTrue(mrr > 0.04, "filtered MRR " + mrr + " should be at least 10x chance (0.004)");
        assertEquals(Boolean.TRUE, m.get("filtered"));
        assertTrue(((Number) m.get("count")).longValue() > 2000, "both sides of every test edge ranked: " + m.get("count"));
        for (String key : List.of("mean_rank", "hits_at_1", "hits_at_3", "hits_at_10", "hits_at_50", "auc")) {
            assertTrue(m.get(key) instanceof Number, key + " in " + m.keySet());
        }
        assertTrue(((Number) m.get("auc")).doubleValue() > 0.8, "AUC far above chance (0.5): " + m.get("auc"));
        Map<?, ?> raw = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) m.get("breakdown")).get("raw")).get("both");
        assertTrue(((Number) raw.get("mrr")).doubleValue() <= mrr, "raw MRR " + raw.get("mrr") + " never above the filtered one");
        assertTrue(Files.exists(dir.resolve("export/entities.parquet")) && Files.exists(dir.resolve("export/entities/node/part-00001.tsv")),
                "the export stage wrote Parquet and TSV");
        String report = Files.readString(dir.resolve("checkpoints/report.html"));
        assertTrue(report.contains("<svg"), "the report stage wrote the curves");

        // evaluation during training (training.eval.every = 2): epochs 2, 4, 6, 8 carry valid metrics
        List<String> lines = Files.readAllLines(dir.resolve("checkpoints/stats.jsonl"));
        assertEquals(8, lines.size());
        double validMrr = 0;
        for (int i = 0; i < lines.size(); i++) {
            Map<?, ?> epoch = new ObjectMapper().readValue(lines.get(i), Map.class);
            Map<?, ?> em = (Map<?, ?>) epoch.get("metrics");
            assertEquals((i + 1) % 2 == 0, em != null && em.get("valid_mrr") != null, "epoch " + (i + 1) + ": " + lines.get(i));
            if (em != null) {
                validMrr = ((Number) em.get("valid_mrr")).doubleValue();
                assertTrue(((Number) em.get("valid_count")).longValue() > 2000, "both sides of the valid edges: " + em);
            }
        }
        assertTrue(validMrr > 0.04, "valid MRR after the last epoch " + validMrr + " at least 10x chance (0.004)");
        assertTrue(report.contains("MRR during training"), "the report plots the valid MRR");

        // Rerunning the demo re-imports: the checkpoints belong to the previous import. Without training.overwrite
        // they are refused by key; with it (demo.conf sets it) train starts over instead of finding 8 epochs done.
        String firstImport = importedAt(newestCheckpoint());
        Main.runStage("import", spark, job);
        String secondImport = (String) new ObjectMapper().readValue(dir.resolve("graph/manifest.json").toFile(), Map.class).get("createdAt");
        assertNotEquals(firstImport, secondImport);
        List<String> strictOverrides = new java.util.ArrayList<>(overrides);
        strictOverrides.add("training.overwrite=false");
        JobConfig strict = JobConfig.read(ConfigLoader.load(demo, strictOverrides));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Main.runStage("train", spark, strict));
        assertTrue(refused.getMessage().contains("dataset.importedAt: checkpoint " + firstImport + ", now " + secondImport)
                && refused.getMessage().contains("training.overwrite"), refused.getMessage());
        assertEquals(firstImport, importedAt(newestCheckpoint()), "a refused run leaves the checkpoints alone");
        Main.runStage("train", spark, job);
        assertEquals(secondImport, importedAt(newestCheckpoint()), "retrained on the new import");
        assertEquals(8, Files.readAllLines(dir.resolve("checkpoints/stats.jsonl")).size(), "8 epochs of the new run, none left from the old");
    }

    private Path newestCheckpoint() throws Exception {
        try (var s = Files.list(dir.resolve("checkpoints"))) {
            return s.filter(p -> p.getFileName().toString().matches("v\\d{8}")).max(Path::compareTo).orElseThrow();
        }
    }

    private static String importedAt(Path version) throws Exception {
        Map<?, ?> info = new ObjectMapper().readValue(version.resolve("checkpoint.json").toFile(), Map.class);
        return (String) ((Map<?, ?>) info.get("compatibility")).get("dataset.importedAt");
    }
}
