package io.embark.embedding.train;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One machine: every epoch on one worker ({@link WorkerGroup#alone()}) in this JVM, saving straight into the
 * checkpoint version being written. The worker lives for the whole run, so the relation parameters and the tables of
 * the last bucket stay in memory from one epoch to the next.
 */
public final class LocalEpochRunner implements EpochRunner {

    private final ImportedGraph graph;
    private final ModelConfig model;
    private final TrainingConfig training;
    private final CheckpointStore checkpoints;
    private final ProgressLog progress;
    private RelationParameters relations;
    private TrainingLoop loop;

    public LocalEpochRunner(ImportedGraph graph, ModelConfig model, TrainingConfig training, CheckpointStore checkpoints,
                            ProgressLog progress) {
        this.graph = graph;
        this.model = model;
        this.training = training;
        this.checkpoints = checkpoints;
        this.progress = progress;
    }

    @Override
    public EpochRun run(int epoch, CheckpointStore.EpochWriter writer, Optional<Integer> previous, List<EpochStats> history)
            throws IOException {
        if (loop == null) {
            relations = RunStart.relations(new TrainingSchema(graph.manifest(), model), model, checkpoints, previous);
            loop = new TrainingLoop(graph, model, training, relations, WorkerGroup.alone(), progress,
                    RunStart.lineage(training, checkpoints, previous));
        }
        return new EpochRun(List.of(loop.trainEpoch(epoch, writer, Long.MAX_VALUE)), relations);
    }

    @Override
    public boolean distributed() {
        return false;
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
