package io.embark.embedding.storage;

import io.embark.partitioning.TableKey;
import java.io.IOException;

/**
 * Where the trainer reads and writes one (entity type, partition) table: the seam between training and storage.
 * {@link CheckpointStore.EpochWriter} implements it over the Hadoop FileSystem API.
 */
public interface PartitionStore {

    /** The latest state of the table: written earlier this epoch, else from the last checkpoint, else initialized. */
    EmbeddingTable load(String entityType, int partition) throws IOException;

    /** {@link #load(String, int)} of table {@code key}. */
    default EmbeddingTable load(TableKey key) throws IOException {
        return load(key.entityType(), key.partition());
    }

    /** Stores the table as this epoch's state. */
    void save(EmbeddingTable table) throws IOException;
}
