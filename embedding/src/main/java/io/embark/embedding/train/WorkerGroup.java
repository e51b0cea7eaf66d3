package io.embark.embedding.train;

import io.embark.allreduce.Cancellation;
import io.embark.allreduce.Communicator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * The workers that train one epoch together, as the {@link TrainingLoop} sees them: its rank among them, a barrier
 * between rounds, the sync of the parameters they all train, and how long to wait for a load. {@link #alone()} is one
 * machine (every call a no-op, loads waited for as long as they take); {@link #over(Communicator)} is W workers joined
 * by a collective communicator (a Spark barrier stage, or threads in a test).
 */
public interface WorkerGroup {

    /** This worker, 0-based. */
    int rank();

    /** How many workers train the epoch. */
    int size();

    /** Returns once every worker has called it (the end of a round). */
    void barrier();

    /** The sync of the relation parameters and {@code tables}, which every worker trains at once. */
    SharedParameterSync sync(RelationParameters relations, Collection<EmbeddingTable> tables);

    /** The longest a load may take before the worker gives up; empty: as long as it takes (nobody else waits). */
    Optional<Duration> loadTimeout();

    /** Says when the caller gave up (a killed Spark task), so that waits end. */
    Cancellation cancellation();

    /** One machine: the single-machine case of the one training loop. */
    static WorkerGroup alone() {
        return new WorkerGroup() {
            @Override
            public int rank() {
                return 0;
            }

            @Override
            public int size() {
                return 1;
            }

            @Override
            public void barrier() {
            }

            @Override
            public SharedParameterSync sync(RelationParameters relations, Collection<EmbeddingTable> tables) {
                return SharedParameterSync.none();
            }

            @Override
            public Optional<Duration> loadTimeout() {
                return Optional.empty();
            }

            @Override
            public Cancellation cancellation() {
                return Cancellation.NEVER;
            }
        };
    }

    /** The workers of {@code comm}; loads time out after its timeout ({@code distributed.timeoutSeconds}). */
    static WorkerGroup over(Communicator comm) {
        return new WorkerGroup() {
            @Override
            public int rank() {
                return comm.rank();
            }

            @Override
            public int size() {
                return comm.size();
            }

            @Override
            public void barrier() {
                comm.barrier();
            }

            @Override
            public SharedParameterSync sync(RelationParameters relations, Collection<EmbeddingTable> tables) {
                return SharedParameterSync.of(relations, tables, comm);
            }

            @Override
            public Optional<Duration> loadTimeout() {
                return Optional.of(comm.options().timeout());
            }

            @Override
            public Cancellation cancellation() {
                return comm.cancellation();
            }
        };
    }
}
