package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.allreduce.Communicator;
import io.embark.allreduce.transport.InProcessFabric;
import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import java.io.IOException;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run whose loss stops being a finite number stops at once, naming epoch and bucket, and commits no checkpoint for
 * that epoch. Provoked honestly: epoch 1 trains with the default learning rate, then the run is resumed for epoch 2
 * with a learning rate of 1e30 (not a compatibility key). Row-wise Adagrad's first step moves a row by about lr per
 * coordinate, so the next chunk's dot products are about 1e30 * 1e30 * dim, past float's 3.4e38: scores and loss
 * become infinite or NaN, or a gradient overflows the row's accumulator. One thread, so the run is deterministic.
 */
class NonFiniteLossTest {

    @TempDir
    Path tmp;

    /** batchSize 0: a step per chunk (the check in BlasChunkStep.train); 60: gradients of 3 chunks summed first. */
    @ParameterizedTest(name = "batchSize={0}")
    @ValueSource(ints = {0, 60})
    void aHugeLearningRateStopsTheRunNamingEpochAndBucketWithoutACheckpoint(int batchSize) throws Exception {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(60, 6, 2, 4, 0.1, 3);
        ImportedGraph graph = GraphFixture.write(fs, hpath("data"), planted.entityNames, planted.relationNames, 2, planted.splits);
        ModelConfig model = ModelConfig.simple(8, OperatorType.DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
        TrainingConfig good = TrainingConfig.defaults(1, NegativesConfig.pbg(20, 10)).withThreads(1).withBatchSize(batchSize);
        CheckpointStore store = new CheckpointStore(fs, hpath("ckpt"));
        Trainer.train(graph, model, good, store);
        assertEquals(Optional.of(1), store.latestVersion());

        TrainingConfig exploding = good.withEpochs(3).withLearningRates(1e30, 1e30);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> Trainer.train(graph, model, exploding, store));
        assertTrue(e.getMessage().matches("epoch 2, bucket \\(\\d, \\d\\): .*(loss of a chunk of \\d+ edges is (NaN|-?Infinity)"
                + "|non-finite gradient).* training stopped before checkpoint v2 was written \\(lower training.learningRate.*"),
                e.getMessage());
        assertEquals(Optional.of(1), store.latestVersion(), "no version for the epoch that went non-finite");
        assertFalse(fs.exists(store.versionDir(2)));
    }

    /**
     * The distributed path: one worker (the training loop over the in-process transport, saving into an attempt
     * directory) trains epoch 2 with the exploding learning rate; its HOGWILD trainer stops with the epoch and bucket,
     * and the trainer commits nothing.
     */
    @Test
    void aDistributedEpochWithANonFiniteLossIsNotCommitted() throws Exception {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(60, 6, 2, 4, 0.1, 3);
        ImportedGraph graph = GraphFixture.write(fs, hpath("data"), planted.entityNames, planted.relationNames, 2, planted.splits);
        ModelConfig model = ModelConfig.simple(8, OperatorType.DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
        TrainingConfig good = TrainingConfig.defaults(1, NegativesConfig.pbg(20, 10)).withThreads(1);
        CheckpointStore store = new CheckpointStore(fs, hpath("ckpt"));
        Trainer.train(graph, model, good, store, oneWorker(graph, model, good, store), EpochEvaluator.NONE);
        assertEquals(Optional.of(1), store.latestVersion());

        TrainingConfig exploding = good.withEpochs(2).withLearningRates(1e30, 1e30);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> Trainer.train(graph, model, exploding, store, oneWorker(graph, model, exploding, store), EpochEvaluator.NONE));
        assertTrue(e.getMessage().startsWith("epoch 2, bucket (") && e.getMessage().contains("checkpoint v2 was written"), e.getMessage());
        assertEquals(Optional.of(1), store.latestVersion());
        assertFalse(fs.exists(store.versionDir(2)));
    }

    /** Every epoch on one worker in this thread, through an attempt directory (world size 1: no peer to wait for). */
    private static EpochRunner oneWorker(ImportedGraph graph, ModelConfig model, TrainingConfig training, CheckpointStore store) {
        return new EpochRunner() {
            @Override
            public EpochRun run(int epoch, CheckpointStore.EpochWriter writer, Optional<Integer> previous, List<EpochStats> history)
                    throws IOException {
                org.apache.hadoop.fs.Path dir = DistributedEpoch.attemptDir(writer.directory(), 0);
                try (Communicator comm = DistributedTrainerTest.inProcess(new InProcessFabric(1), 0, 1)) {
                    WorkerResult r = DistributedEpoch.trainWorker(graph, model, training, store, dir, previous, epoch, 100,
                            WorkerGroup.over(comm), ProgressLog.defaults());
                    return new EpochRun(List.of(r), DistributedEpoch.adopt(writer, dir, store.fileSystem()));
                }
            }

            @Override
            public boolean distributed() {
                return true;
            }
        };
    }

    private org.apache.hadoop.fs.Path hpath(String name) {
        return new org.apache.hadoop.fs.Path(tmp.resolve(name).toString());
    }
}
