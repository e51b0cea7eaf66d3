package io.embark.embedding.train;

import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Runs one epoch's {@link TrainingLoop} on its workers, for {@link Trainer}: one worker in this JVM
 * ({@link LocalEpochRunner}), or W workers of a Spark barrier stage (in {@code jobs}), or threads in a test. The
 * runner leaves every table of the epoch in {@code writer} (saved directly, or adopted from the workers' shared
 * directory: {@link DistributedEpoch#adopt}) and returns the trained relation parameters; the trainer commits.
 */
public interface EpochRunner extends AutoCloseable {

    /**
     * Trains epoch {@code epoch} (0-based) into {@code writer}, starting from checkpoint {@code previous} (empty:
     * initialized); {@code history} holds the stats of the epochs before (for adaptive sync periods).
     */
    EpochRun run(int epoch, CheckpointStore.EpochWriter writer, Optional<Integer> previous, List<EpochStats> history)
            throws IOException;

    /** Whether the workers replicate and sync shared parameters (the size limits of {@link TrainingLimits} differ). */
    boolean distributed();

    @Override
    default void close() {
    }

    /** One completed epoch: each worker's result, by rank, and the relation parameters they trained. */
    record EpochRun(List<WorkerResult> workers, RelationParameters relations) {
    }
}
