package io.embark.embedding.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.train.Trainer;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation during training on the planted-cluster graph of {@code LearningTest} (400 entities; chance MRR about
 * 0.016): the epochs due are evaluated with the checkpoint just committed, the metrics equal a separate ranking of that
 * checkpoint, they rise as the model learns, and they survive in stats.jsonl and across a resumed run.
 */
class EpochValidationTest {

    @TempDir
    Path tmp;

    @Test
    void dueEpochsAreEvaluatedRecordedAndKeptOnResume() throws Exception {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(400, 20, 3, 8, 0.1, 11);
        ImportedGraph graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("data").toString()),
                planted.entityNames, planted.relationNames, 1, planted.splits);
        ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
        // a fifth of the default learning rate, so that epoch 3 is still on the climb: at 0.1 the MRR is on its plateau
        // (~0.23) by epoch 3, and epoch 9 above epoch 3 was a coin toss (seed 3: 0.235 -> 0.227); at 0.02, seeds 1-5
        // climb from 0.09-0.14 at epoch 3 to 0.20-0.23 at epoch 9
        TrainingConfig training = TrainingConfig.defaults(9, NegativesConfig.pbg(50, 50)).withThreads(1).withLearningRates(0.02, 0.02);
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tmp.resolve("ckpt").toString());
        CheckpointStore store = new CheckpointStore(fs, root);
        RankingOptions options = new RankingOptions("test", List.of("train", "test"), new Candidates.All());

        // a first run of 4 epochs (evaluated: 1, 3, 4 = its last), then a resumed run to 9 (6, 9)
        Trainer.train(graph, model, training.withEpochs(4), store, new EpochValidation(graph, options, Long.MAX_VALUE, 3, 4));
        RankingMetrics atFour = new LinkPrediction(graph, TrainedModel.latest(store)).rank(options, Long.MAX_VALUE).overall(true);
        List<EpochStats> stats = Trainer.train(graph, model, training, store, new EpochValidation(graph, options, Long.MAX_VALUE, 3, 9));

        assertEquals(9, stats.size());
        for (EpochStats s : stats) {
            boolean due = s.epoch() == 3 || s.epoch() == 4 || s.epoch() == 6 || s.epoch() == 9;
            assertEquals(due, s.metrics().containsKey("test_mrr"), "epoch " + s.epoch() + ": " + s.metrics());
        }
        assertEquals(atFour.mrr(), stats.get(3).metrics().get("test_mrr"), 1e-12, "the metrics of epoch 4 are its checkpoint's");
        assertEquals((double) atFour.count(), stats.get(3).metrics().get("test_count"));
        double first = stats.get(2).metrics().get("test_mrr");
        double last = stats.get(8).metrics().get("test_mrr");
        assertTrue(last > 0.1 && last > first + 0.05, "learned far above chance (0.016) and rising: epoch 3 " + first + ", epoch 9 " + last);
        List<String> lines = Files.readAllLines(tmp.resolve("ckpt").resolve(CheckpointStore.STATS));
        assertEquals(9, lines.size());
        assertTrue(lines.get(3).contains("\"test_mrr\"") && !lines.get(4).contains("metrics"), lines.get(3) + " / " + lines.get(4));
        assertEquals(stats.get(3).metrics(), store.info(9).stats().get(3).metrics(), "carried into later checkpoints");
    }

    @Test
    void aSplitTheDatasetLacksIsRefused() throws Exception {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(100, 5, 1, 4, 0.1, 3);
        ImportedGraph graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("small").toString()),
                planted.entityNames, planted.relationNames, 1, planted.splits);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EpochValidation(graph,
                new RankingOptions("valid", List.of("train"), new Candidates.All()), 100, 1, 3));
        assertTrue(e.getMessage().contains("'valid'"), e.getMessage());
    }
}
