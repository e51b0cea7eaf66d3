package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's step warm-up: it trains its own synthetic graph until training's first bucket ends it, and training after
 * it is bit for bit what training without it is (it shares nothing with the real model).
 */
class StepWarmupTest {

    @TempDir
    java.nio.file.Path tmp;

    private final ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
    private final TrainingConfig training = TrainingConfig.defaults(2, NegativesConfig.pbg(50, 20)).withThreads(1);

    @AfterEach
    void forget() {
        StepWarmup.reset();
    }

    @Test
    void trainsItsOwnGraphUntilEndedAndNothingAfter() throws InterruptedException {
        StepWarmup.reset();
        StepWarmup.begin(model, training, true);
        long trained = awaitEdges();
        assertTrue(trained > 0, "the warm-up trained synthetic edges");
        assertEquals(4L << 17, StepWarmup.inputEdgesWarmed(), "before training, it read and shuffled its synthetic buckets");
        StepWarmup.end();
        assertFalse(awaitStopped(), "ended: its thread has stopped");
        long after = StepWarmup.edgesTrained();
        Thread.sleep(300);
        assertEquals(after, StepWarmup.edgesTrained(), "no edges trained after end()");
        // one warm-up per JVM: a second begin does not start another
        StepWarmup.begin(model, training, false);
        assertFalse(StepWarmup.running(), "begin after end starts nothing");
    }

    @Test
    void trainingAfterAWarmupIsTheSameBitForBit() throws IOException, InterruptedException {
        PlantedGraph planted = new PlantedGraph(300, 12, 3, 10, 0.05, 5);
        ImportedGraph graph = GraphFixture.write(GraphFixture.localFs(), new Path(tmp.resolve("data").toString()), planted.entityNames,
                planted.relationNames, 1, planted.splits);
        StepWarmup.reset();
        Run cold = train(graph);

        StepWarmup.reset();
        StepWarmup.begin(model, training, false);
        assertTrue(awaitEdges() > 0, "the warm-up trained before the real run");
        Run warmed = train(graph);
        assertFalse(awaitStopped(), "the real run's first bucket ended the warm-up");

        TableKey key = new TableKey("e", 0);
        assertArrayEquals(cold.tables.get(key).segmentData(0), warmed.tables.get(key).segmentData(0), "rows");
        assertArrayEquals(cold.tables.get(key).segmentState(0), warmed.tables.get(key).segmentState(0), "Adagrad state");
        for (int r = 0; r < cold.relations.count(); r++) {
            for (int s = 0; s < cold.relations.slots(); s++) {
                assertArrayEquals(cold.relations.params(r, s), warmed.relations.params(r, s), "relation " + r + " slot " + s);
            }
        }
        assertEquals(cold.loss, warmed.loss, 0.0, "loss");
    }

    /** Waits (at most a minute: a liveness bound, not a speed check) until the warm-up has trained some edges. */
    private static long awaitEdges() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (StepWarmup.edgesTrained() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return StepWarmup.edgesTrained();
    }

    /** Whether the warm-up thread still runs after up to a minute (its last bucket may finish after end() returns). */
    private static boolean awaitStopped() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (StepWarmup.running() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return StepWarmup.running();
    }

    private record Run(Map<TableKey, EmbeddingTable> tables, RelationParameters relations, double loss) {
    }

    /** Two epochs of the loop on one thread over a {@link MemoryStore}. */
    private Run train(ImportedGraph graph) throws IOException {
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        MemoryStore store = new MemoryStore(schema, model, training);
        RelationParameters relations = RunStart.relations(schema, model, null, Optional.empty());
        double loss = 0;
        try (TrainingLoop loop = new TrainingLoop(graph, model, training, relations, WorkerGroup.alone())) {
            for (int epoch = 0; epoch < 2; epoch++) {
                loss += loop.trainEpoch(epoch, store, Long.MAX_VALUE).loss();
            }
        }
        return new Run(store.stored, relations, loss);
    }
}
