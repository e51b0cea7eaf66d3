package io.embark.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embark.jobs.TrainedWorkspace;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.ConfigSource;
import io.embark.jobs.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embark tune} in Spark local mode on the planted-cluster graph of {@link TrainedWorkspace} (300 nodes in 10
 * clusters, 3 relations): a search whose space holds a learning rate too small to learn anything finds the good one,
 * and a search killed after its first wave resumes without retraining what it recorded.
 */
@Timeout(600)
class TuneTest {

    @TempDir
    Path tmp;

    /**
     * 4 trials (training.learningRate 0.1 or 1e-6, two each, and a number of uniform negatives), rungs at 1, 2 and 4
     * epochs, halving: rung 0 trains 4 trials, rung 1 the best 2 (one more epoch each), rung 2 the best one (two more).
     */
    private static String config(Path workspace, Path output, String... more) {
        return """
                workspace = %s
                model { dimension = 8, relation.operator = complex_diagonal, reciprocal = true, initScale = 0.1 }
                training { epochs = 4, loss = softmax, eval.limit = 300 }
                tune {
                  output = %s
                  trials = 4, parallel = 2, seed = 1, minEpochs = 1, reduction = 2
                  space {
                    training.learningRate.choice = [0.1, 0.000001]
                    training.negatives.uniform.range = [10, 40]
                  }
                }
                """.formatted(workspace, output) + String.join("\n", more) + "\n";
    }

    private static TuneJob.Result tune(ConfigSource source, int maxWaves) throws IOException {
        return TuneJob.run(spark(), source, (key, path) -> path, maxWaves);
    }

    private static SparkSession spark() {
        return TrainedWorkspace.spark();
    }

    @Test
    void the_best_trial_beats_a_learning_rate_too_small_to_learn_and_best_conf_loads_as_a_train_config() throws Exception {
        Path out = tmp.resolve("search");
        ConfigSource source = new ConfigSource(config(TrainedWorkspace.dir(), out), "tune.conf", List.of("tune.parallel=2"));
        TuneJob.Result r = tune(source, Integer.MAX_VALUE);
        assertTrue(r.finished());
        // rung 0: 4 trials; rung 1: 2; rung 2: 1. Epochs: 4 x 1, then 2 x (2 - 1), then 1 x (4 - 2)
        assertEquals(7, r.tasks());
        assertEquals(8, r.epochsTrained());

        JsonNode json = new ObjectMapper().readTree(out.resolve("trials.json").toFile());
        assertEquals(List.of(1, 2, 4), List.of(json.path("rungs").get(0).asInt(), json.path("rungs").get(1).asInt(), json.path("rungs").get(2).asInt()));
        double bestMrr = Double.NaN;
        double badMrr = 0;
        List<String> dirs = new ArrayList<>();
        for (JsonNode t : json.path("trials")) {
            dirs.add(t.path("dir").asText());
            double lr = Double.parseDouble(t.path("params").path("training.learningRate").asText());
            if (lr < 1e-3) {
                assertEquals("stopped_early", t.path("status").asText(), t.toString());
                badMrr = Math.max(badMrr, t.path("mrr").asDouble());
            }
            if (t.path("id").asInt() == r.best().orElseThrow()) {
                assertEquals("done", t.path("status").asText());
                assertEquals(0.1, lr);
                assertEquals(4, t.path("epochs").asInt());
                assertEquals(List.of(1, 2, 4), curveEpochs(t), "the best trial's curve: one point per rung, one trial trained on");
                bestMrr = t.path("mrr").asDouble();
            }
            assertTrue(Files.isDirectory(out.resolve(t.path("dir").asText()).resolve("checkpoints")), t.path("dir").asText());
        }
        assertEquals(4, dirs.stream().distinct().count(), "every trial in its own directory: " + dirs);
        assertEquals(bestMrr, r.bestMrr());
        // chance: a filtered MRR of about ln(300)/300 = 0.02 over 300 candidates; the bad rate stays there (0.028 when
        // written), the good one reaches 0.15 after 4 epochs
        assertTrue(bestMrr > 0.1, "best valid MRR " + bestMrr);
        assertTrue(bestMrr > badMrr + 0.07 && bestMrr > 3 * badMrr, "best " + bestMrr + " vs learning rate 1e-6: " + badMrr);

        // best.conf: the config as given, with the best trial's values, loaded as is by the loader train uses
        Path best = out.resolve("best.conf");
        JobConfig loaded = JobConfig.read(ConfigSource.read(best, List.of()).reader(List.of()));
        Map<String, String> bestParams = new TreeMap<>();
        json.path("trials").get(r.best().get()).path("params").fields().forEachRemaining(e -> bestParams.put(e.getKey(), e.getValue().asText()));
        assertEquals(0.1, loaded.training().learningRate());
        assertEquals(Integer.parseInt(bestParams.get("training.negatives.uniform")), loaded.training().negatives().uniform());
        assertEquals(4, loaded.training().epochs());
        assertEquals(8, loaded.model().dimension());

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Valid MRR of every trial") && html.contains("<svg") && html.contains("stopped_early"), html);
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "self-contained");
    }

    @Test
    void a_search_killed_after_its_first_wave_resumes_without_retraining_its_trials() throws Exception {
        Path out = tmp.resolve("killed");
        ConfigSource source = new ConfigSource(config(TrainedWorkspace.dir(), out), "tune.conf", List.of());
        TuneJob.Result first = tune(source, 1);
        assertFalse(first.finished());
        assertEquals(2, first.tasks(), "one wave: trials 0 and 1 of rung 0");
        assertEquals(2, first.epochsTrained());
        Map<Path, FileTime> trained = files(out.resolve("trials"));
        assertFalse(trained.isEmpty());
        assertFalse(Files.exists(out.resolve("trials/trial-002")), "trial 2 has not started");
        JsonNode before = new ObjectMapper().readTree(out.resolve("trials.json").toFile());

        TuneJob.Result resumed = tune(source, Integer.MAX_VALUE);
        assertTrue(resumed.finished());
        // what remained: trials 2 and 3 of rung 0, then 2 trials of rung 1 and 1 of rung 2: 5 tasks, 2 + 2 + 2 epochs
        assertEquals(5, resumed.tasks());
        assertEquals(6, resumed.epochsTrained());
        JsonNode after = new ObjectMapper().readTree(out.resolve("trials.json").toFile());
        for (int id = 0; id < 2; id++) {
            assertEquals(before.path("trials").get(id).path("results").get(0), after.path("trials").get(id).path("results").get(0),
                    "trial " + id + "'s rung 0 result is the one recorded before the kill");
            assertEquals(before.path("trials").get(id).path("params"), after.path("trials").get(id).path("params"));
        }
        // a trial of the first wave that stopped at rung 0: the resumed run did not touch its files
        int untouched = 0;
        for (JsonNode t : after.path("trials")) {
            if (t.path("id").asInt() < 2 && t.path("status").asText().equals("stopped_early")) {
                Path dir = out.resolve(t.path("dir").asText());
                Map<Path, FileTime> then = new TreeMap<>(trained);
                then.keySet().removeIf(p -> !p.startsWith(dir));
                assertEquals(then, files(dir), dir + " was rewritten");
                untouched++;
            }
        }
        assertTrue(untouched > 0, "with this seed, a trial of the first wave has the bad learning rate and stops at rung 0");

        // a run of the finished search trains nothing
        TuneJob.Result again = tune(source, Integer.MAX_VALUE);
        assertEquals(0, again.tasks());
        assertEquals(resumed.best(), again.best());

        // another search in the same output is refused, naming what differs, before anything trains
        ConfigSource other = new ConfigSource(config(TrainedWorkspace.dir(), out), "tune.conf", List.of("tune.seed=2"));
        ConfigException e = assertThrows(ConfigException.class, () -> tune(other, Integer.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("tune.output: " + out) && e.getMessage().contains("tune.seed: was 1, now 2"), e.getMessage());

        // a damaged trials.json is refused, not trusted
        Path file = out.resolve("trials.json");
        Files.writeString(file, Files.readString(file).replaceFirst("\"stopped_early\"", "\"done\""));
        IOException damaged = assertThrows(IOException.class, () -> tune(source, Integer.MAX_VALUE));
        assertTrue(damaged.getMessage().contains("trials.json: damaged (Hadoop's checksum"), damaged.getMessage());
        // where the file system keeps no .crc of its own, the file's CRC32C line catches it
        Files.delete(out.resolve(".trials.json.crc"));
        damaged = assertThrows(IOException.class, () -> tune(source, Integer.MAX_VALUE));
        assertTrue(damaged.getMessage().contains("trials.json: damaged (its CRC32C is"), damaged.getMessage());
    }

    @Test
    void a_trial_config_the_loader_refuses_stops_the_search_before_anything_trains_naming_the_key() throws Exception {
        Path out = tmp.resolve("refused");
        ConfigSource source = new ConfigSource(config(TrainedWorkspace.dir(), out, "tune.space.training.margin.range = [-1, 0]"),
                "tune.conf", List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> tune(source, Integer.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("tune.space: trial 0 ") && e.getMessage().contains("training.margin: '-"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void a_spent_time_budget_starts_no_wave_and_a_larger_one_continues() throws Exception {
        Path out = tmp.resolve("budget");
        ConfigSource spent = new ConfigSource(config(TrainedWorkspace.dir(), out), "tune.conf", List.of("tune.maxMinutes=0"));
        TuneJob.Result r = tune(spent, Integer.MAX_VALUE);
        assertFalse(r.finished());
        assertEquals(0, r.tasks());
        assertTrue(r.best().isEmpty());
        assertFalse(Files.exists(out.resolve("best.conf")), "no trial, no best config");
        JsonNode json = new ObjectMapper().readTree(out.resolve("trials.json").toFile());
        json.path("trials").forEach(t -> assertEquals("pending", t.path("status").asText()));
        // the budget is not part of what the search is: a larger one continues the same search, here to its end
        TuneJob.Result more = tune(new ConfigSource(config(TrainedWorkspace.dir(), out), "tune.conf", List.of("tune.maxMinutes=60")),
                Integer.MAX_VALUE);
        assertTrue(more.finished());
        assertEquals(7, more.tasks());
    }

    private static List<Integer> curveEpochs(JsonNode trial) {
        List<Integer> out = new ArrayList<>();
        trial.path("curve").forEach(p -> out.add(p.get(0).asInt()));
        return out;
    }

    /** Every file under {@code dir} with its modification time. */
    private static Map<Path, FileTime> files(Path dir) throws IOException {
        Map<Path, FileTime> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(p, Files.getLastModifiedTime(p));
            }
        }
        assertNotEquals(0, out.size());
        return out;
    }
}
